package io.brinjal.metrics;

import io.brinjal.execution.TaskListener;
import io.brinjal.store.TaskState;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One INFO line when a task starts and one when it ends, with id, type, semaphore, wait and
 * run time, and the node that runs it (several nodes share one log pipeline). The values also go out as key-value pairs, which the JSON log format writes as
 * fields. Its own logger ({@code io.brinjal.tasks}) so operators can quiet it alone.
 */
public final class TaskLog implements TaskListener {
  private static final Logger LOG = LoggerFactory.getLogger("io.brinjal.tasks");

  @Override
  public void onStarted(TaskState task) {
    if (!LOG.isInfoEnabled()) return;
    fields(LOG.atInfo(), task)
        .setMessage("task {} started: {} on semaphore {}, waited {} ms{}")
        .addArgument(task.id()).addArgument(task.taskType()).addArgument(task.semaphore())
        .addArgument(waitedMillis(task)).addArgument(onNode(task))
        .log();
  }

  @Override
  public void onFinished(TaskState task) {
    if (!LOG.isInfoEnabled()) return;
    Duration ran = task.runTime();
    String status = task.status().wire();
    LoggingEventBuilder line = fields(LOG.atInfo(), task).addKeyValue("status", status);
    if (ran == null) {
      // never started: cancelled (or deleted) while queued
      line.setMessage("task {} {} while queued: {} on semaphore {}, waited {} ms")
          .addArgument(task.id()).addArgument(status).addArgument(task.taskType())
          .addArgument(task.semaphore()).addArgument(waitedMillis(task));
    } else {
      line.addKeyValue("run_ms", ran.toMillis())
          .setMessage("task {} {}: {} on semaphore {}, waited {} ms, ran {} ms{}{}")
          .addArgument(task.id()).addArgument(status).addArgument(task.taskType())
          .addArgument(task.semaphore()).addArgument(waitedMillis(task)).addArgument(ran.toMillis())
          .addArgument(onNode(task)).addArgument(failure(task));
    }
    line.log();
  }

  private static LoggingEventBuilder fields(LoggingEventBuilder event, TaskState task) {
    event.addKeyValue("task_id", task.id())
        .addKeyValue("task_type", task.taskType())
        .addKeyValue("semaphore", task.semaphore())
        .addKeyValue("wait_ms", waitedMillis(task));
    if (task.owner() != null) event.addKeyValue("node_id", task.owner());
    return event;
  }

  private static String onNode(TaskState task) {
    return task.owner() == null ? "" : ", on node " + task.owner();
  }

  /** The task's own error, in one line: the stack trace is in its JSON, not in the log. */
  private static String failure(TaskState task) {
    if (task.errorMessage() == null) return "";
    return " (" + (task.errorType() == null ? "" : task.errorType() + ": ") + task.errorMessage() + ")";
  }

  /** Until the permit, or until the end for a task that never got one. */
  private static long waitedMillis(TaskState task) {
    java.time.Instant until = task.startedAt() != null ? task.startedAt() : task.completedAt();
    return until == null ? 0 : Duration.between(task.createdAt(), until).toMillis();
  }
}
