package io.brinjal.wire;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.execution.TaskView;
import io.brinjal.json.Json;
import io.brinjal.store.TaskField;
import io.brinjal.store.TaskState;
import io.brinjal.task.TaskStatus;
import java.time.Instant;

/**
 * A task as clients get it: every key, always, with {@code null} where unset, since clients
 * replace their card with it. The stored fields in {@link TaskField}'s order, then the node's
 * view of a waiting task ({@code queue_position}, {@code estimated_start_at}).
 */
public final class TaskJson {
  private static final TaskField[] FIELDS = TaskField.values(); // values() copies the array: once, not per event

  private TaskJson() {}

  public static ObjectNode tree(TaskView view) {
    ObjectNode o = Json.object();
    for (TaskField field : FIELDS) o.set(field.wireName(), field.of(view.state()));
    if (view.queuePosition() == null) o.putNull("queue_position");
    else o.put("queue_position", view.queuePosition());
    o.put("estimated_start_at", Json.timestamp(view.estimatedStartAt()));
    return o;
  }

  public static String encode(TaskView view) {
    return Json.encodeTree(tree(view));
  }

  /** The tasks' JSON, comma-joined (what goes between the brackets of an array). */
  public static String join(java.util.List<TaskView> views) {
    StringBuilder out = new StringBuilder(views.size() * 600);
    for (TaskView view : views) {
      if (out.length() > 0) out.append(',');
      out.append(encode(view));
    }
    return out.toString();
  }

  /**
   * The state a task JSON shows (for a change announced by another node): every stored field
   * clients see; {@code seq}, {@code version} and the fields clients never see are left empty.
   */
  public static TaskState read(String text) {
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not a task JSON: " + e.getOriginalMessage());
    }
    TaskState.Builder b = TaskState.newTask(text(json, "task_id"), text(json, "task_type"), text(json, "semaphore_name"),
        json.get("params") instanceof ObjectNode p ? p : Json.object(), instant(json, "created_at"));
    TaskStatus status = TaskStatus.fromWire(text(json, "status"));
    return b.parentId(text(json, "parent_id")).status(status == null ? TaskStatus.QUEUED : status)
        .progress(json.path("progress").asInt()).heading(text(json, "heading")).body(text(json, "body"))
        .img(text(json, "img")).results(json.get("results") == null || json.get("results").isNull() ? null : json.get("results"))
        .startedAt(instant(json, "started_at")).completedAt(instant(json, "completed_at"))
        .error(text(json, "error_type"), text(json, "error_message"), text(json, "error_traceback"))
        .abandoned(json.path("abandoned").asBoolean()).owner(text(json, "node_id"))
        .priority(json.path("priority").asInt()).attempt(json.path("attempt").asInt())
        .maxAttempts(Math.max(1, json.path("max_attempts").asInt(1))).runAt(instant(json, "run_at"))
        .extraSemaphores(extraSemaphores(json)).concurrencyKey(text(json, "concurrency_key")).build();
  }

  /** The names after the first of {@code semaphore_names}. */
  private static List<String> extraSemaphores(JsonNode json) {
    JsonNode names = json.get("semaphore_names");
    if (names == null || !names.isArray() || names.size() <= 1) return List.of();
    List<String> extra = new java.util.ArrayList<>(names.size() - 1);
    for (int i = 1; i < names.size(); i++) extra.add(names.get(i).asText());
    return extra;
  }

  private static String text(JsonNode json, String field) {
    JsonNode v = json.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Instant instant(JsonNode json, String field) {
    String v = text(json, field);
    return v == null ? null : Instant.parse(v);
  }
}
