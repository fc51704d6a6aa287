package io.brinjal.task;

/** Turns Java type and field names into the snake_case names used on the wire. */
public final class Names {
  private Names() {}

  /**
   * {@code ExampleCPUTask -> example_cpu_task}, {@code HTTPRequestTask -> http_request_task},
   * {@code sleepTime -> sleep_time}: a word starts at an upper-case letter that follows a
   * lower-case letter or digit, or that ends a run of capitals and is followed by lower case.
   */
  public static String snakeCase(String name) {
    StringBuilder out = new StringBuilder(name.length() + 8);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        char prev = name.charAt(i - 1);
        boolean nextIsLower = i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
        if (Character.isLowerCase(prev) || Character.isDigit(prev)
            || (Character.isUpperCase(prev) && nextIsLower)) {
          out.append('_');
        }
      }
      out.append(Character.toLowerCase(c));
    }
    return out.toString();
  }
}
