package io.brinjal.execution;

/** The server refuses new work it cannot hold; the HTTP API answers 429 with Retry-After. */
public class TooBusyException extends RuntimeException {
  private final long retryAfterSeconds;

  public TooBusyException(String reason, long retryAfterSeconds) {
    super(reason, null, false, false);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
