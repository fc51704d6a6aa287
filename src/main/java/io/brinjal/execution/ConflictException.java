package io.brinjal.execution;

/** The request does not fit the task's current state (cancel a finished task); HTTP 409. */
public class ConflictException extends RuntimeException {
  public ConflictException(String message) {
    super(message);
  }
}
