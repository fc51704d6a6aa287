package io.brinjal.execution;

/**
 * A snapshot of one semaphore, taken on the engine's loop.
 *
 * @param limit how many may run at once now (changed at run time, or as configured)
 * @param configuredLimit the limit in the configuration
 * @param running tasks holding a permit: on every node of the cluster when nodes share the store
 * @param waiting queued tasks, likewise cluster-wide
 * @param runningHere tasks holding a permit on this node
 * @param abandoned running tasks whose thread did not stop within the grace period; they still
 *     hold their permits
 * @param peakRunning the most tasks that ever ran at once here (never above the limit of that moment)
 * @param perKey the most tasks of one concurrency key that run at once (0: no per-key limit)
 * @param configuredPerKey the per-key limit in the configuration (0: none)
 * @param busiestKeys the keys with the most tasks holding a permit here, most first (at most
 *     {@value #BUSIEST_KEYS})
 */
public record SemaphoreState(String name, int limit, int configuredLimit, int running, int waiting, int runningHere, int abandoned,
    int peakRunning, int perKey, int configuredPerKey, java.util.List<KeyCount> busiestKeys) {
  /** How many keys {@code busiest_keys} shows at most. */
  public static final int BUSIEST_KEYS = 10;

  /** A concurrency key and how many of its tasks hold a permit. */
  public record KeyCount(String key, int running) {}
}
