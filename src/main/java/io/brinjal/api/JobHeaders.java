package io.brinjal.api;

import io.brinjal.execution.JobOptions;
import io.brinjal.wire.ApiException;
import io.vertx.core.http.HttpServerRequest;
import io.brinjal.task.TaskType;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * A create request's job options, read from its headers: the JSON body and the query string
 * belong to the task's own parameters. A bad value is a 422 that names the header.
 */
final class JobHeaders {
  /** Shortens the task type's run timeout (seconds, decimal). */
  static final String RUN_TIMEOUT = "Brinjal-Run-Timeout";
  /** An integer from -100 to 100: higher starts first within the semaphore. */
  static final String PRIORITY = "Brinjal-Priority";

  /** Seconds (decimal, 0 to a year) the task stays scheduled before it queues. */
  static final String DELAY = "Brinjal-Delay";
  /** An RFC 3339 time at which the task queues. */
  static final String RUN_AT = "Brinjal-Run-At";
  /** 1 to 100: how many times the task may run before it ends failed. */
  static final String MAX_ATTEMPTS = "Brinjal-Max-Attempts";

  /** 1 to 255 visible ASCII characters: a repeat within idempotency.ttl_seconds answers the first task. */
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  /** On the answer: {@code true} when an earlier request with the same key created the task. */
  static final String REPLAYED = "Idempotent-Replayed";

  /** Every header a create request may carry (a browser on another origin must be allowed them). */
  static final List<String> ALL = List.of(RUN_TIMEOUT, PRIORITY, IDEMPOTENCY_KEY, DELAY, RUN_AT, MAX_ATTEMPTS);

  private JobHeaders() {}

  static JobOptions options(HttpServerRequest request) {
    String delay = request.getHeader(DELAY);
    String runAt = request.getHeader(RUN_AT);
    if (delay != null && runAt != null) {
      throw new ApiException(422, "give " + DELAY + " or " + RUN_AT + ", not both");
    }
    return new JobOptions(runTimeout(request.getHeader(RUN_TIMEOUT)), priority(request.getHeader(PRIORITY)),
        idempotencyKey(request.getHeader(IDEMPOTENCY_KEY)), delay(delay), runAt(runAt),
        maxAttempts(request.getHeader(MAX_ATTEMPTS)));
  }

  private static Duration delay(String raw) {
    if (raw == null) return null;
    String text = raw.trim();
    // plain decimal seconds: no sign, exponent, NaN or Infinity, and short enough to parse cheaply
    if (text.matches("[0-9]{1,9}(\\.[0-9]{1,9})?")) {
      double seconds = Double.parseDouble(text);
      if (seconds <= JobOptions.MAX_DELAY.toSeconds()) return Duration.ofNanos((long) (seconds * 1e9));
    }
    throw new ApiException(422, DELAY + " must be a number of seconds from 0 to " + JobOptions.MAX_DELAY.toSeconds()
        + ", got \"" + abbreviate(printable(raw)) + "\"");
  }

  private static Instant runAt(String raw) {
    if (raw == null) return null;
    String text = raw.trim();
    try {
      if (text.length() <= 40) {
        Instant at = OffsetDateTime.parse(text.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        if (at.isAfter(Instant.now().plus(JobOptions.MAX_DELAY))) {
          throw new ApiException(422, RUN_AT + " must be within " + JobOptions.MAX_DELAY.toSeconds()
              + " seconds from now, got \"" + text + "\"");
        }
        return at;
      }
    } catch (DateTimeParseException e) {
      // answered below
    }
    throw new ApiException(422, RUN_AT + " must be an RFC 3339 time with an offset, like 2030-01-31T09:30:00Z, got \""
        + abbreviate(printable(raw)) + "\"");
  }

  private static Integer maxAttempts(String raw) {
    if (raw == null) return null;
    String text = raw.trim();
    if (text.matches("[0-9]{1,4}")) {
      int value = Integer.parseInt(text);
      if (value >= 1 && value <= TaskType.MAX_ATTEMPTS) return value;
    }
    throw new ApiException(422, MAX_ATTEMPTS + " must be an integer from 1 to " + TaskType.MAX_ATTEMPTS + ", got \""
        + abbreviate(printable(raw)) + "\"");
  }

  private static String idempotencyKey(String raw) {
    if (raw == null) return null;
    if (raw.length() >= 1 && raw.length() <= 255 && raw.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) return raw;
    throw new ApiException(422, IDEMPOTENCY_KEY + " must be 1 to 255 visible ASCII characters (no spaces), got "
        + raw.length() + " characters" + (raw.isEmpty() ? "" : " starting \"" + abbreviate(printable(raw)) + "\""));
  }

  /** Control and non-ASCII characters as escapes (backslash, u, four hex digits), so a detail never carries them. */
  private static String printable(String raw) {
    StringBuilder out = new StringBuilder();
    raw.chars().limit(41).forEach(c -> {
      if (c >= 0x20 && c <= 0x7e) out.append((char) c);
      else out.append(String.format("\\u%04x", c));
    });
    return out.toString();
  }

  private static Duration runTimeout(String raw) {
    if (raw == null) return null;
    try {
      double seconds = Double.parseDouble(raw.trim());
      if (seconds > 0 && seconds <= 31_536_000) return Duration.ofNanos((long) (seconds * 1e9));
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new ApiException(422, RUN_TIMEOUT + " must be a number of seconds above 0, got \"" + raw + "\"");
  }

  private static int priority(String raw) {
    if (raw == null) return 0;
    String text = raw.trim();
    // digits only (no "+", no exponent, no decimals), and short: parseInt must never see a huge string
    if (text.matches("-?[0-9]{1,4}")) {
      int value = Integer.parseInt(text);
      if (value >= JobOptions.MIN_PRIORITY && value <= JobOptions.MAX_PRIORITY) return value;
    }
    throw new ApiException(422, PRIORITY + " must be an integer from " + JobOptions.MIN_PRIORITY + " to "
        + JobOptions.MAX_PRIORITY + ", got \"" + abbreviate(raw) + "\"");
  }

  private static String abbreviate(String raw) {
    return raw.length() <= 40 ? raw : raw.substring(0, 40) + "…";
  }
}
