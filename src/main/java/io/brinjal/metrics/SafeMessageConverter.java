package io.brinjal.metrics;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %safeMsg}: the log message with control characters escaped ({@code \n}, {@code \r},
 * {@code \t}, ESC, ... as {@code \n} or {@code \u001b}). Messages quote what clients sent
 * (semaphore names, ids, origins); a newline in one must not start a forged line of its own,
 * nor a terminal escape rewrite the console. The JSON format escapes them anyway.
 */
public final class SafeMessageConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return escape(event.getFormattedMessage());
  }

  static String escape(String message) {
    if (message == null) return null;
    StringBuilder out = null;
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029';
      if (!control) {
        if (out != null) out.append(c);
        continue;
      }
      if (out == null) out = new StringBuilder(message.length() + 16).append(message, 0, i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out == null ? message : out.toString();
  }
}
