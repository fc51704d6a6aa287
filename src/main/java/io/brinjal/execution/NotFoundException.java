package io.brinjal.execution;

/** A task, task type or other named thing does not exist; the HTTP API answers 404. */
public class NotFoundException extends RuntimeException {
  public NotFoundException(String message) {
    super(message);
  }
}
