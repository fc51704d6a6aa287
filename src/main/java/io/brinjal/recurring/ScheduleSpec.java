package io.brinjal.recurring;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.config.ConfigException;
import io.brinjal.execution.JobOptions;
import io.brinjal.execution.NotFoundException;
import io.brinjal.json.Json;
import io.brinjal.task.InvalidParameterException;
import io.brinjal.task.Task;
import io.brinjal.task.TaskRegistry;
import io.brinjal.task.TaskType;
import java.util.Map;

/**
 * A checked schedule definition: which task type with which parameters, when, and how many
 * instances may be queued or running at once. Immutable; build it with {@link #define}.
 *
 * @param params the task parameters as given (each firing binds a fresh task from them)
 * @param pauseAfterFailures consecutive failures after which the schedule disables itself, or null
 * @param priority the priority of the tasks it creates
 * @param maxAttempts the attempts of the tasks it creates, or null for their type's
 */
public record ScheduleSpec(TaskType type, ObjectNode params, CronSchedule cron, int maxConcurrent,
    Integer pauseAfterFailures, boolean enabled, int priority, Integer maxAttempts) {

  public static final int MAX_CONCURRENT_LIMIT = 10_000;

  /** A registered type by its name ({@code ExampleCPUTask}) or route ({@code example_cpu_task}). */
  public static TaskType taskType(TaskRegistry registry, String name) {
    return registry.byName(name).or(() -> registry.byRoute(name))
        .orElseThrow(() -> new NotFoundException("no task type named '" + name + "' (known: "
            + String.join(", ", registry.all().stream().map(TaskType::name).toList()) + ")"));
  }

  /**
   * Checks a definition before anything is stored; throws {@link InvalidParameterException}
   * naming the problem. The parameters are bound once here, so a bad one is refused now rather
   * than at every firing.
   */
  public static ScheduleSpec define(TaskType type, ObjectNode params, CronSchedule cron, int maxConcurrent,
      Integer pauseAfterFailures, boolean enabled) {
    return define(type, params, cron, maxConcurrent, pauseAfterFailures, enabled, 0, null);
  }

  /** As above, with the priority and attempts of the tasks it creates. */
  public static ScheduleSpec define(TaskType type, ObjectNode params, CronSchedule cron, int maxConcurrent,
      Integer pauseAfterFailures, boolean enabled, int priority, Integer maxAttempts) {
    if (priority < JobOptions.MIN_PRIORITY || priority > JobOptions.MAX_PRIORITY) {
      throw new InvalidParameterException("priority", "must be an integer from " + JobOptions.MIN_PRIORITY + " to "
          + JobOptions.MAX_PRIORITY + ", got " + priority);
    }
    if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > TaskType.MAX_ATTEMPTS)) {
      throw new InvalidParameterException("max_attempts", "must be an integer from 1 to " + TaskType.MAX_ATTEMPTS
          + ", got " + maxAttempts);
    }
    if (maxConcurrent < 1 || maxConcurrent > MAX_CONCURRENT_LIMIT) {
      throw new InvalidParameterException("max_concurrent", "must be an integer from 1 to " + MAX_CONCURRENT_LIMIT
          + ", got " + maxConcurrent);
    }
    if (pauseAfterFailures != null && pauseAfterFailures < 1) {
      throw new InvalidParameterException("pause_after_failures", "must be an integer of at least 1, got "
          + pauseAfterFailures);
    }
    ObjectNode copy = params == null ? Json.object() : params.deepCopy();
    type.bind(copy, Map.of());
    return new ScheduleSpec(type, copy, cron, maxConcurrent, pauseAfterFailures, enabled, priority, maxAttempts);
  }

  /**
   * A definition from the configuration or the store file, checked against the registry; throws
   * {@link ConfigException} naming {@code key} (and the field) when it cannot be used.
   */
  public static ScheduleSpec fromEntry(TaskRegistry registry, BrinjalConfig.ScheduleEntry e, String key) {
    TaskType type;
    try {
      type = taskType(registry, e.taskType());
    } catch (NotFoundException ex) {
      throw new ConfigException(key + ".task_type: " + ex.getMessage());
    }
    try {
      return define(type, e.params(), e.cron(), e.maxConcurrent(), e.pauseAfterFailures(), e.enabled(), e.priority(),
          e.maxAttempts());
    } catch (RuntimeException ex) { // a refused parameter, or a constructor that throws
      throw new ConfigException(key + " (" + e.taskType() + "): " + ex.getMessage());
    }
  }

  /** The job options of the tasks it creates. */
  JobOptions jobOptions() {
    return JobOptions.of(priority, maxAttempts);
  }

  /** A fresh task for one firing; nothing is shared with earlier runs, not even parameter trees. */
  Task newTask() {
    return type.bind(params.deepCopy(), Map.of());
  }
}
