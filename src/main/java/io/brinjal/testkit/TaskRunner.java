package io.brinjal.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.json.Json;
import io.brinjal.task.Task;
import io.brinjal.task.TaskControl;
import io.brinjal.task.TaskIds;
import io.brinjal.task.TaskType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Runs one task in this JVM, without a server or HTTP, as the server would run it: parameters
 * bound and validated from their wire names, {@code run()} on a thread of its own, the progress
 * hook polled beside it, and the same end ({@code done}, {@code failed} with the error fields,
 * {@code cancelled}).
 *
 * <pre>{@code
 * TaskOutcome end = TaskRunner.of(ResizeTask.class).params(Map.of("width", 100)).run();
 * assertEquals(TaskStatus.DONE, end.status());
 * assertEquals(List.of(50, 100), end.progressSteps());
 * }</pre>
 *
 * <p>Unlike the server it records every change, not the latest of a burst. {@code runTimeout()}
 * applies in real time (not on the runner's clock); retries ({@code maxAttempts()}) do not.
 */
public final class TaskRunner {
  private static final Duration DEFAULT_WAIT = Duration.ofMinutes(1);

  private final TaskType type;
  private ObjectNode params = Json.object();
  private Clock clock = Clock.systemUTC();
  private Predicate<TaskChange> cancelWhen = change -> false;

  private TaskRunner(TaskType type) {
    this.type = type;
  }

  /** Throws {@link IllegalArgumentException} if the class cannot be a task type (as registering it would). */
  public static TaskRunner of(Class<? extends Task> type) {
    return new TaskRunner(TaskType.of(type, ""));
  }

  /** Parameters by their wire (snake_case) names, as a request body gives them. */
  public TaskRunner params(Map<String, ?> params) {
    this.params = Json.MAPPER.valueToTree(params);
    return this;
  }

  /** The clock that stamps the start, the end and each change (see {@link ManualClock}). */
  public TaskRunner clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /** Cancels the task, as {@code POST /{id}/cancel} would, right after the first change that matches. */
  public TaskRunner cancelWhen(Predicate<TaskChange> condition) {
    this.cancelWhen = condition;
    return this;
  }

  /** Runs the task to its end (at most a minute) and answers how it ended. */
  public TaskOutcome run() {
    return start().awaitEnd(DEFAULT_WAIT);
  }

  /**
   * Starts the task on a thread of its own; cancel it or wait for it through the answer.
   * Throws {@link io.brinjal.task.InvalidParameterException} for parameters the server would
   * answer {@code 422}.
   */
  public RunningTask start() {
    Task task = type.bind(params, Map.of());
    ChangeRecorder recorder = new ChangeRecorder(clock, cancelWhen);
    String id = TaskIds.next();
    TaskControl control = new TaskControl(id, recorder::drain, () -> Path.of(System.getProperty("java.io.tmpdir")));
    recorder.attach(control);
    Task.Access.attach(task, control);
    return RunningTask.start(id, type, task, control, recorder, clock);
  }
}
