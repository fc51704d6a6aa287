package io.brinjal.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Permits held, counted from the tasks that hold them: per semaphore, and per semaphore and
 * concurrency key. A claim fills it with every holder, then takes waiting tasks in line order
 * that {@link #fits fit}, adding each as it goes; one that does not fit is passed over (it must
 * not hold up the tasks behind it that need only free semaphores), never given part of its
 * permits. Used inside one store transaction or loop turn: not thread-safe.
 */
final class PermitCounts {
  private final Map<String, Integer> held = new HashMap<>();
  private final Map<String, Map<String, Integer>> heldByKey = new HashMap<>();

  /** A task that holds its permits (running or cancelling), or one just claimed. */
  void add(String semaphore, List<String> extraSemaphores, String concurrencyKey) {
    add(semaphore, concurrencyKey);
    for (String s : extraSemaphores) add(s, concurrencyKey);
  }

  void add(TaskState holder) {
    add(holder.semaphore(), holder.extraSemaphores(), holder.concurrencyKey());
  }

  private void add(String semaphore, String key) {
    held.merge(semaphore, 1, Integer::sum);
    if (key != null) heldByKey.computeIfAbsent(semaphore, s -> new HashMap<>()).merge(key, 1, Integer::sum);
  }

  int held(String semaphore) {
    return held.getOrDefault(semaphore, 0);
  }

  /** Whether a claim of {@code semaphore} that chose {@code chosen} tasks may take another: under {@code max}, a permit free. */
  boolean roomFor(String semaphore, int chosen, int max, PermitLimits limits) {
    return chosen < max && held(semaphore) < limits.limitOf(semaphore);
  }

  /** Counts the waiting task in if it {@link #fits}; answers whether it did (a claim takes it then). */
  boolean take(String semaphore, List<String> extraSemaphores, String concurrencyKey, PermitLimits limits) {
    if (!fits(semaphore, extraSemaphores, concurrencyKey, limits)) return false;
    add(semaphore, extraSemaphores, concurrencyKey);
    return true;
  }

  /** Whether each of the task's semaphores has a permit free, and under its per-key limit for the task's key. */
  boolean fits(String semaphore, List<String> extraSemaphores, String concurrencyKey, PermitLimits limits) {
    if (!fitsOne(semaphore, concurrencyKey, limits)) return false;
    for (String s : extraSemaphores) {
      if (!fitsOne(s, concurrencyKey, limits)) return false;
    }
    return true;
  }

  /** Whether the task's key has reached the per-key limit of {@code semaphore}: none of its tasks fits there. */
  boolean keyFull(String semaphore, String concurrencyKey, PermitLimits limits) {
    int perKey = limits.perKeyOf(semaphore);
    return perKey > 0 && concurrencyKey != null
        && heldByKey.getOrDefault(semaphore, Map.of()).getOrDefault(concurrencyKey, 0) >= perKey;
  }

  private boolean fitsOne(String semaphore, String key, PermitLimits limits) {
    return held(semaphore) < limits.limitOf(semaphore) && !keyFull(semaphore, key, limits);
  }
}
