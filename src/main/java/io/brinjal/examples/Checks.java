package io.brinjal.examples;

import io.brinjal.task.InvalidParameterException;

/** Parameter checks the built-in tasks share. */
final class Checks {
  static final double MAX_SECONDS = 3600;

  private Checks() {}

  static void seconds(String param, double value) {
    if (!(value >= 0 && value <= MAX_SECONDS)) {
      throw new InvalidParameterException(param, "must be between 0 and " + (int) MAX_SECONDS + " seconds");
    }
  }

  static void range(String param, long value, long min, long max) {
    if (value < min || value > max) {
      throw new InvalidParameterException(param, "must be between " + min + " and " + max);
    }
  }

  static void length(String param, String value, int max) {
    if (value != null && value.length() > max) {
      throw new InvalidParameterException(param, "must be at most " + max + " characters");
    }
  }
}
