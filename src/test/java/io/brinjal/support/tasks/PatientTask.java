package io.brinjal.support.tasks;

import io.brinjal.task.RetryBackoff;
import io.brinjal.task.Task;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Always fails; its type sets 4 attempts and a backoff of its own without jitter (0.3 s,
 * doubling), so the waits between attempts are known exactly.
 */
public class PatientTask extends Task {
  public static final Duration BASE = Duration.ofMillis(300);
  public static final Map<String, List<Long>> ATTEMPT_NANOS = new ConcurrentHashMap<>();

  String key = "";

  @Override
  public int maxAttempts() {
    return 4;
  }

  @Override
  public RetryBackoff retryBackoff() {
    return new RetryBackoff(BASE, Duration.ofSeconds(10), false);
  }

  @Override
  protected void run() {
    ATTEMPT_NANOS.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
    throw new IllegalStateException("never works");
  }
}
