package io.brinjal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.json.Json;
import io.brinjal.task.TaskStatus;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;

/**
 * A task as a row of {@code brinjal_tasks} in PostgreSQL: the SQLite store's columns, instants as
 * epoch milliseconds ({@code bigint}), JSON trees as {@code text} (not {@code jsonb}, which
 * reorders keys: clients see their params in the order they sent them), booleans as
 * {@code boolean}, statuses by their wire names.
 */
final class PgRows {
  /** Every column, in the order {@link #read} expects them. */
  static final String COLUMNS = "seq, id, version, parent_id, task_type, semaphore, status, progress, heading, body, img, "
      + "results, params, created_at, started_at, completed_at, error_type, error_message, error_traceback, abandoned, "
      + "run_timeout_ms, priority, owner, attempt, cancel_requested, run_at, max_attempts, extra_semaphores, concurrency_key, fair_tag";

  /** The columns {@link #bind} writes, in its order: all but {@code seq} and {@code id}. */
  static final String FIELDS = "version, parent_id, task_type, semaphore, status, progress, heading, body, img, results, "
      + "params, created_at, started_at, completed_at, error_type, error_message, error_traceback, abandoned, "
      + "run_timeout_ms, priority, owner, attempt, cancel_requested, run_at, max_attempts, extra_semaphores, concurrency_key";

  static final int FIELD_COUNT = 27;

  /** How many {@link #COLUMNS} there are: seq, id, the {@link #FIELDS} and fair_tag. */
  static final int COLUMN_COUNT = FIELD_COUNT + 3;

  /**
   * The columns a write after the insert changes, in {@link #bindMutable}'s order: what is fixed at
   * insert (id, seq, task type, parent, parameters, creation time, run timeout) is never written
   * again, so a write encodes no parameters.
   */
  static final String MUTABLE_FIELDS = "version, semaphore, status, progress, heading, body, img, results, started_at, "
      + "completed_at, error_type, error_message, error_traceback, abandoned, priority, owner, attempt, cancel_requested, run_at";

  static final int MUTABLE_COUNT = 19;


  private PgRows() {}

  /** {@code $from, $from+1, …} for the {@link #FIELDS}. */
  static String placeholders(int from) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < FIELD_COUNT; i++) {
      if (i > 0) sb.append(", ");
      sb.append('$').append(from + i);
    }
    return sb.toString();
  }

  /** {@code version = $from, semaphore = $from+1, …} for an UPDATE of the {@link #MUTABLE_FIELDS}. */
  static String mutableAssignments(int from) {
    String[] fields = MUTABLE_FIELDS.split(", ");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) sb.append(", ");
      sb.append(fields[i]).append(" = $").append(from + i);
    }
    return sb.toString();
  }

  static Long millis(Instant t) {
    return t == null ? null : t.toEpochMilli();
  }

  /** Adds the {@link #FIELDS} of {@code e} to {@code tuple}, in order. */
  static Tuple bind(Tuple tuple, EncodedTask e) {
    TaskState s = e.state();
    return tuple
        .addLong(s.version())
        .addString(s.parentId())
        .addString(s.taskType())
        .addString(s.semaphore())
        .addString(s.status().wire())
        .addInteger(s.progress())
        .addString(s.heading())
        .addString(s.body())
        .addString(s.img())
        .addString(e.results())
        .addString(e.params())
        .addLong(s.createdAt().toEpochMilli())
        .addLong(millis(s.startedAt()))
        .addLong(millis(s.completedAt()))
        .addString(s.errorType())
        .addString(s.errorMessage())
        .addString(s.errorTraceback())
        .addBoolean(s.abandoned())
        .addLong(s.runTimeoutMillis())
        .addInteger(s.priority())
        .addString(s.owner())
        .addInteger(s.attempt())
        .addBoolean(s.cancelRequested())
        .addLong(millis(s.runAt()))
        .addInteger(s.maxAttempts())
        .addString(EncodedTask.joinNames(s.extraSemaphores()))
        .addString(EncodedTask.keyColumn(s.concurrencyKey()));
  }

  /** Adds the {@link #MUTABLE_FIELDS} of {@code e} to {@code tuple}, in order. */
  static Tuple bindMutable(Tuple tuple, EncodedTask e) {
    TaskState s = e.state();
    return tuple
        .addLong(s.version())
        .addString(s.semaphore())
        .addString(s.status().wire())
        .addInteger(s.progress())
        .addString(s.heading())
        .addString(s.body())
        .addString(s.img())
        .addString(e.results())
        .addLong(millis(s.startedAt()))
        .addLong(millis(s.completedAt()))
        .addString(s.errorType())
        .addString(s.errorMessage())
        .addString(s.errorTraceback())
        .addBoolean(s.abandoned())
        .addInteger(s.priority())
        .addString(s.owner())
        .addInteger(s.attempt())
        .addBoolean(s.cancelRequested())
        .addLong(millis(s.runAt()));
  }

  /** The task in a row selecting {@link #COLUMNS}. */
  static TaskState read(Row row) {
    String id = row.getString(1);
    String statusText = row.getString(6);
    TaskStatus status = TaskStatus.fromWire(statusText);
    if (status == null) throw new IllegalStateException("task " + id + " has an unknown status: " + statusText);
    JsonNode params = parse(id, "params", row.getString(12));
    if (!(params instanceof ObjectNode paramsObject)) {
      throw new IllegalStateException("task " + id + " has params that are not a JSON object");
    }
    String results = row.getString(11);
    return new TaskState(
        id,
        row.getLong(0),
        row.getLong(2),
        row.getString(3),
        row.getString(4),
        row.getString(5),
        status,
        row.getInteger(7),
        row.getString(8),
        row.getString(9),
        row.getString(10),
        results == null ? null : parse(id, "results", results),
        paramsObject,
        Instant.ofEpochMilli(row.getLong(13)),
        instant(row.getLong(14)),
        instant(row.getLong(15)),
        row.getString(16),
        row.getString(17),
        row.getString(18),
        row.getBoolean(19),
        row.getLong(20),
        row.getInteger(21),
        row.getString(22),
        row.getInteger(23),
        row.getBoolean(24),
        instant(row.getLong(25)),
        row.getInteger(26),
        EncodedTask.splitNames(row.getString(27)),
        row.getString(28),
        row.getLong(29) == null ? TaskState.NO_TAG : row.getLong(29));
  }

  private static Instant instant(Long millis) {
    return millis == null ? null : Instant.ofEpochMilli(millis);
  }

  static JsonNode parse(String id, String what, String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("task " + id + " has unreadable " + what + ": " + e.getOriginalMessage(), e);
    }
  }
}
