package io.brinjal.api;

import io.brinjal.execution.JobOptions;
import io.brinjal.wire.ApiException;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.List;

/**
 * A create request's job options, read from its headers: the JSON body and the query string
 * belong to the task's own parameters. A bad value is a 422 that names the header.
 */
final class JobHeaders {
  /** Shortens the task type's run timeout (seconds, decimal). */
  static final String RUN_TIMEOUT = "Brinjal-Run-Timeout";
  /** An integer from -100 to 100: higher starts first within the semaphore. */
  static final String PRIORITY = "Brinjal-Priority";

  /** 1 to 255 visible ASCII characters: a repeat within idempotency.ttl_seconds answers the first task. */
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  /** On the answer: {@code true} when an earlier request with the same key created the task. */
  static final String REPLAYED = "Idempotent-Replayed";

  /** Every header a create request may carry (a browser on another origin must be allowed them). */
  static final List<String> ALL = List.of(RUN_TIMEOUT, PRIORITY, IDEMPOTENCY_KEY);

  private JobHeaders() {}

  static JobOptions options(HttpServerRequest request) {
    return new JobOptions(runTimeout(request.getHeader(RUN_TIMEOUT)), priority(request.getHeader(PRIORITY)),
        idempotencyKey(request.getHeader(IDEMPOTENCY_KEY)));
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
