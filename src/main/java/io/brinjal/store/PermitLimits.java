package io.brinjal.store;

import java.util.Map;

/**
 * What a claim must respect, as the claiming node knows it: each semaphore's limit and per-key
 * limit (0: none). A task that holds several semaphores fits only if every one of them has room.
 *
 * @param limits semaphore name to limit; a name not here has no limit
 * @param perKey semaphore name to the most tasks of one concurrency key it runs at once
 * @param severalSemaphores whether any task this node knows of takes several semaphores: without
 *     such tasks and without per-key limits a claim counts one semaphore's permits alone
 */
public record PermitLimits(Map<String, Integer> limits, Map<String, Integer> perKey, boolean severalSemaphores) {

  /** One semaphore's limit and nothing else (no per-key limits, no task with several semaphores). */
  public static PermitLimits only(String semaphore, int limit) {
    return new PermitLimits(Map.of(semaphore, limit), Map.of(), false);
  }

  public int limitOf(String semaphore) {
    return limits.getOrDefault(semaphore, Integer.MAX_VALUE);
  }

  public int perKeyOf(String semaphore) {
    return perKey.getOrDefault(semaphore, 0);
  }

  /** Whether a claim for {@code semaphore} must look past the first waiting tasks (and count every holder). */
  public boolean needsCheckedClaim(String semaphore) {
    return severalSemaphores || perKeyOf(semaphore) > 0;
  }
}
