package io.brinjal.execution;

/** A snapshot of one semaphore, taken on the engine's loop. */
public record SemaphoreState(String name, int limit, int running, int waiting) {}
