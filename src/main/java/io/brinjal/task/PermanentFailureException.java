package io.brinjal.task;

/**
 * Thrown from {@link Task#run()} (or as the cause of what it throws) to end the task
 * {@code failed} at once, whatever attempts it has left: for failures another attempt cannot
 * mend (bad input, a missing file, a refused permission).
 */
public class PermanentFailureException extends RuntimeException {
  public PermanentFailureException(String message) {
    super(message);
  }

  public PermanentFailureException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether {@code failure} is one, or was caused by one. */
  public static boolean isIn(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PermanentFailureException) return true;
    }
    return false;
  }
}
