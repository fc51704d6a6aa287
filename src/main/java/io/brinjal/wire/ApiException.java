package io.brinjal.wire;

/** An HTTP error with the human-readable {@code detail} the client gets as JSON. */
public class ApiException extends RuntimeException {
  private final int status;

  public ApiException(int status, String detail) {
    super(detail, null, false, false); // control flow, not a bug: no stack trace
    this.status = status;
  }

  public int status() {
    return status;
  }

  public String detail() {
    return getMessage();
  }
}
