package io.brinjal.store;

/**
 * The store cannot be used at start: a file that cannot be opened or is not a Brinjal store, a
 * folder that is not writable, a schema newer than this server knows. The message names where.
 */
public final class StoreOpenException extends RuntimeException {
  public StoreOpenException(String message, Throwable cause) {
    super(message, cause);
  }
}
