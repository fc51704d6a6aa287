package io.brinjal.support.tasks;

import io.brinjal.task.PermanentFailureException;
import io.brinjal.task.Task;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fails its first {@code failures} attempts, then succeeds; notes when each attempt started (by
 * {@code key}), so a test measures the gaps between attempts. {@code permanent} fails at once,
 * with {@link PermanentFailureException}.
 */
public class FlakyTask extends Task {
  public static final Map<String, List<Long>> ATTEMPT_NANOS = new ConcurrentHashMap<>();

  String key = "";
  int failures = 1;
  boolean permanent = false;

  @Override
  protected void run() {
    List<Long> attempts = ATTEMPT_NANOS.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
    attempts.add(System.nanoTime());
    if (permanent) throw new PermanentFailureException("the input can never work");
    if (attempts.size() <= failures) throw new IllegalStateException("flaky failure " + attempts.size());
    setResults("succeeded on attempt " + attempts.size());
  }
}
