package io.brinjal.execution;

/**
 * The answer to a create: the task's id, and whether it was created by an earlier request with
 * the same {@code Idempotency-Key} ({@code replayed}: nothing was created now).
 */
public record Submitted(String taskId, boolean replayed) {}
