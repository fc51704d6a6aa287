package io.brinjal.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.task.TaskStatus;
import java.time.Instant;
import java.util.List;

/**
 * How a task run by {@link TaskRunner} ended: the fields its JSON would have on the server
 * ({@code status} is {@code done}, {@code failed} or {@code cancelled}; the error fields are
 * set as the server sets them), and every change it made on the way, in order.
 */
public record TaskOutcome(
    String taskId,
    String taskType,
    TaskStatus status,
    ObjectNode params,
    int progress,
    String heading,
    String body,
    String img,
    JsonNode results,
    String errorType,
    String errorMessage,
    String errorTraceback,
    Instant startedAt,
    Instant completedAt,
    List<TaskChange> changes) {

  /** The changes of one kind, in order. */
  public List<TaskChange> changes(TaskChange.Kind kind) {
    return changes.stream().filter(c -> c.kind() == kind).toList();
  }

  /** Every progress value the task set, in order. */
  public List<Integer> progressSteps() {
    return changes(TaskChange.Kind.PROGRESS).stream().map(TaskChange::asInt).toList();
  }
}
