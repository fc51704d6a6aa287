package io.brinjal.execution;

/**
 * An {@code Idempotency-Key} that is still remembered came with another route or other
 * parameters than its first use: refused (HTTP 422), since answering the earlier task would
 * hide that the request differs.
 */
public class KeyReusedException extends RuntimeException {
  public KeyReusedException(String message) {
    super(message, null, false, false); // the client's mistake, not a bug: no stack trace
  }
}
