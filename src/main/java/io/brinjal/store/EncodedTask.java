package io.brinjal.store;

import io.brinjal.json.Json;
import io.brinjal.task.TaskStatus;
import io.vertx.core.Future;
import java.time.Instant;

/**
 * A state about to be written to a table (SQLite or PostgreSQL): its instants cut to the
 * millisecond the tables keep, so what a write answers equals what a later read returns, and its
 * JSON trees encoded on the caller's thread, so the thread that writes only writes.
 *
 * @param params the parameters as JSON text; null for a write after the insert (they never change)
 * @param results the results as JSON text, or null
 */
record EncodedTask(TaskState state, String params, String results) {

  /**
   * A new task checked and encoded for {@code insert}/{@code insertOnce} (queued, and the key, if
   * any, pointing to it), or the reason it cannot be stored.
   */
  static Future<EncodedTask> forNewTask(TaskState task, IdempotencyKey key) {
    if (task.status() != TaskStatus.QUEUED && task.status() != TaskStatus.SCHEDULED) {
      return Future.failedFuture(new IllegalArgumentException("a new task must be queued or scheduled"));
    }
    if (key != null && !key.taskId().equals(task.id())) {
      return Future.failedFuture(new IllegalArgumentException("the key must point to the task"));
    }
    try {
      return Future.succeededFuture(forInsert(task.inserted(0, 0)));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** For an insert: every field. */
  static EncodedTask forInsert(TaskState state) {
    TaskState s = toMillis(state);
    return new EncodedTask(s, Json.encode(s.params()), s.results() == null ? null : Json.encode(s.results()));
  }

  /** For a write after the insert: only what can change (no parameters). */
  static EncodedTask forUpdate(TaskState state) {
    TaskState s = toMillis(state);
    return new EncodedTask(s, null, s.results() == null ? null : Json.encode(s.results()));
  }

  /** The same state with instants as the tables keep them (milliseconds). */
  static TaskState toMillis(TaskState s) {
    if (isMillis(s.createdAt()) && isMillis(s.startedAt()) && isMillis(s.completedAt()) && isMillis(s.runAt())) return s;
    return s.toBuilder().createdAt(toMillis(s.createdAt())).startedAt(toMillis(s.startedAt()))
        .completedAt(toMillis(s.completedAt())).runAt(toMillis(s.runAt())).build();
  }

  static Instant toMillis(Instant t) {
    return t == null || isMillis(t) ? t : Instant.ofEpochMilli(t.toEpochMilli());
  }

  private static boolean isMillis(Instant t) {
    return t == null || t.getNano() % 1_000_000 == 0;
  }

  /** Extra semaphore names as one column: comma-separated (names are a-z, 0-9, _ and -). */
  static String joinNames(java.util.List<String> names) {
    return String.join(",", names);
  }

  static java.util.List<String> splitNames(String column) {
    return column == null || column.isEmpty() ? java.util.List.of() : java.util.List.of(column.split(","));
  }

  /** No key is stored as '' (not NULL), so the key index holds every waiting task and '' groups the keyless. */
  static String keyColumn(String key) {
    return key == null ? "" : key;
  }

  /** The key a {@code concurrency_key} column holds: null for ''. */
  static String keyOf(String column) {
    return column == null || column.isEmpty() ? null : column;
  }
}
