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
 */
public record SemaphoreState(String name, int limit, int configuredLimit, int running, int waiting, int runningHere, int abandoned,
    int peakRunning) {}
