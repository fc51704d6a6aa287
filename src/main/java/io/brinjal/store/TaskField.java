package io.brinjal.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.brinjal.json.Json;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The fields of a task as clients see them, by wire name, in wire order: the one list that both
 * rendering (the task JSON) and matching ({@code POST /search}) read, so they cannot disagree.
 * Fields that depend on a node's view rather than on the stored state ({@code queue_position},
 * {@code estimated_start_at}) are not here.
 */
public enum TaskField {
  TASK_ID("task_id", s -> text(s.id())),
  PARENT_ID("parent_id", s -> text(s.parentId())),
  TASK_TYPE("task_type", s -> text(s.taskType())),
  STATUS("status", s -> text(s.status().wire())),
  PROGRESS("progress", s -> JsonNodeFactory.instance.numberNode(s.progress())),
  SEMAPHORE_NAME("semaphore_name", s -> text(s.semaphore())),
  IMG("img", s -> text(s.img())),
  HEADING("heading", s -> text(s.heading())),
  BODY("body", s -> text(s.body())),
  CREATED_AT("created_at", s -> time(s.createdAt())),
  STARTED_AT("started_at", s -> time(s.startedAt())),
  COMPLETED_AT("completed_at", s -> time(s.completedAt())),
  ERROR_TYPE("error_type", s -> text(s.errorType())),
  ERROR_MESSAGE("error_message", s -> text(s.errorMessage())),
  ERROR_TRACEBACK("error_traceback", s -> text(s.errorTraceback())),
  RESULTS("results", s -> s.results() == null ? JsonNodeFactory.instance.nullNode() : s.results()),
  PARAMS("params", TaskState::params),
  ABANDONED("abandoned", s -> JsonNodeFactory.instance.booleanNode(s.abandoned())),
  NODE_ID("node_id", s -> text(s.owner())),
  PRIORITY("priority", s -> JsonNodeFactory.instance.numberNode(s.priority())),
  RUN_AT("run_at", s -> time(s.runAt())),
  ATTEMPT("attempt", s -> JsonNodeFactory.instance.numberNode(s.attempt())),
  MAX_ATTEMPTS("max_attempts", s -> JsonNodeFactory.instance.numberNode(s.maxAttempts())),
  /** Every semaphore it takes a permit of, its own first (one name for most tasks). */
  SEMAPHORE_NAMES("semaphore_names", s -> {
    var names = JsonNodeFactory.instance.arrayNode();
    s.semaphores().forEach(names::add);
    return names;
  }),
  CONCURRENCY_KEY("concurrency_key", s -> text(s.concurrencyKey()));

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Map<String, TaskField> BY_WIRE_NAME =
      Stream.of(values()).collect(Collectors.toUnmodifiableMap(TaskField::wireName, f -> f));

  private final String wireName;
  private final Function<TaskState, JsonNode> read;

  TaskField(String wireName, Function<TaskState, JsonNode> read) {
    this.wireName = wireName;
    this.read = read;
  }

  public String wireName() {
    return wireName;
  }

  /** The field's value as it goes on the wire ({@code null} as a JSON null, never Java null). */
  public JsonNode of(TaskState state) {
    return read.apply(state);
  }

  /** The field with this wire name, or null. */
  public static TaskField byWireName(String name) {
    return BY_WIRE_NAME.get(name);
  }

  private static JsonNode text(String value) {
    return value == null ? NODES.nullNode() : NODES.textNode(value);
  }

  private static JsonNode time(Instant value) {
    return text(Json.timestamp(value));
  }
}
