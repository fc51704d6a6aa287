package io.brinjal.store;

/**
 * The store could not do what was asked (disk full, I/O error, database unreachable, locked by
 * another program). Nothing of the failed write is visible. The HTTP API answers 503 with
 * Retry-After; the message is for operators (it names the store, never a client's input).
 */
public final class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
