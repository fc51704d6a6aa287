package io.brinjal.task;

/** A parameter value that a task refuses; the HTTP API answers 422 naming the parameter. */
public class InvalidParameterException extends RuntimeException {
  private final String parameter;

  public InvalidParameterException(String parameter, String reason) {
    super("parameter '" + parameter + "' " + reason);
    this.parameter = parameter;
  }

  public String parameter() {
    return parameter;
  }
}
