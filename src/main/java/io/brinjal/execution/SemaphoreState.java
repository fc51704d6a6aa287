package io.brinjal.execution;

/**
 * A snapshot of one semaphore, taken on the engine's loop.
 *
 * @param abandoned running tasks whose thread did not stop within the grace period; they still
 *     hold their permits
 * @param peakRunning the most tasks that ever ran at once here (never above the limit)
 */
public record SemaphoreState(String name, int limit, int running, int waiting, int abandoned, int peakRunning) {}
