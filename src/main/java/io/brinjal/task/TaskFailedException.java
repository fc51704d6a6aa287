package io.brinjal.task;

/**
 * Thrown from {@link Task#run()} to end {@code failed} with an error of the task's own making
 * instead of a Java exception's: {@code error_type}, {@code error_message} and
 * {@code error_traceback} are the three values given (for work done elsewhere, such as a child
 * process whose standard error is the useful trace).
 */
public class TaskFailedException extends RuntimeException {
  private final String errorType;
  private final String traceback;

  public TaskFailedException(String errorType, String message, String traceback) {
    super(message);
    this.errorType = errorType;
    this.traceback = traceback;
  }

  public String errorType() {
    return errorType;
  }

  /** The text shown as {@code error_traceback}; may be null. */
  public String traceback() {
    return traceback;
  }
}
