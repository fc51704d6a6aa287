package io.brinjal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.json.Json;
import io.brinjal.task.TaskStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/**
 * A task as a row of {@code tasks}: instants as epoch milliseconds, JSON trees as text (written
 * and read with {@link Json#MAPPER}), booleans as 0/1, statuses by their wire names.
 */
final class SqliteRows {
  /** Every column, in the order {@link #read} expects them. */
  static final String COLUMNS = "seq, id, version, parent_id, task_type, semaphore, status, progress, heading, body, img, "
      + "results, params, created_at, started_at, completed_at, error_type, error_message, error_traceback, abandoned, "
      + "run_timeout_ms, priority, owner, attempt, cancel_requested, run_at, max_attempts, extra_semaphores, concurrency_key, fair_tag";

  /** The columns {@link #bind} writes, in its order: all but {@code seq} and {@code id}. */
  static final String FIELDS = "version, parent_id, task_type, semaphore, status, progress, heading, body, img, results, "
      + "params, created_at, started_at, completed_at, error_type, error_message, error_traceback, abandoned, "
      + "run_timeout_ms, priority, owner, attempt, cancel_requested, run_at, max_attempts, extra_semaphores, concurrency_key";

  static final int FIELD_COUNT = 27;

  /** {@code FIELDS} as {@code a = ?, b = ?, …} for an UPDATE. */
  static final String ASSIGNMENTS = String.join(" = ?, ", FIELDS.split(", ")) + " = ?";

  /**
   * The columns a write after the insert changes, in {@link #bindMutable}'s order: the ones fixed
   * at insert (id, seq, task type, parent, parameters, creation time, run timeout) are never
   * written again, so a write encodes no parameters.
   */
  static final String MUTABLE_FIELDS = "version, semaphore, status, progress, heading, body, img, results, started_at, "
      + "completed_at, error_type, error_message, error_traceback, abandoned, priority, owner, attempt, cancel_requested, run_at";

  /** {@code MUTABLE_FIELDS} as {@code a = ?, b = ?, …} for an UPDATE. */
  static final String MUTABLE_ASSIGNMENTS = String.join(" = ?, ", MUTABLE_FIELDS.split(", ")) + " = ?";

  /** {@code ?, ?, …} for the FIELDS. */
  static final String PLACEHOLDERS = "?" + ", ?".repeat(FIELD_COUNT - 1);


  private SqliteRows() {}

  /** Binds {@link #FIELDS} from {@code index} on; answers the index after the last. */
  static int bind(PreparedStatement ps, int index, EncodedTask e) throws SQLException {
    TaskState s = e.state();
    int i = index;
    ps.setLong(i++, s.version());
    ps.setString(i++, s.parentId());
    ps.setString(i++, s.taskType());
    ps.setString(i++, s.semaphore());
    ps.setString(i++, s.status().wire());
    ps.setInt(i++, s.progress());
    ps.setString(i++, s.heading());
    ps.setString(i++, s.body());
    ps.setString(i++, s.img());
    ps.setString(i++, e.results());
    ps.setString(i++, e.params());
    ps.setLong(i++, s.createdAt().toEpochMilli());
    setMillis(ps, i++, s.startedAt());
    setMillis(ps, i++, s.completedAt());
    ps.setString(i++, s.errorType());
    ps.setString(i++, s.errorMessage());
    ps.setString(i++, s.errorTraceback());
    ps.setInt(i++, s.abandoned() ? 1 : 0);
    if (s.runTimeoutMillis() == null) ps.setNull(i++, Types.INTEGER);
    else ps.setLong(i++, s.runTimeoutMillis());
    ps.setInt(i++, s.priority());
    ps.setString(i++, s.owner());
    ps.setInt(i++, s.attempt());
    ps.setInt(i++, s.cancelRequested() ? 1 : 0);
    setMillis(ps, i++, s.runAt());
    ps.setInt(i++, s.maxAttempts());
    ps.setString(i++, EncodedTask.joinNames(s.extraSemaphores()));
    ps.setString(i++, EncodedTask.keyColumn(s.concurrencyKey()));
    return i;
  }

  /** Binds {@link #MUTABLE_FIELDS} from {@code index} on; answers the index after the last. */
  static int bindMutable(PreparedStatement ps, int index, EncodedTask e) throws SQLException {
    TaskState s = e.state();
    int i = index;
    ps.setLong(i++, s.version());
    ps.setString(i++, s.semaphore());
    ps.setString(i++, s.status().wire());
    ps.setInt(i++, s.progress());
    ps.setString(i++, s.heading());
    ps.setString(i++, s.body());
    ps.setString(i++, s.img());
    ps.setString(i++, e.results());
    setMillis(ps, i++, s.startedAt());
    setMillis(ps, i++, s.completedAt());
    ps.setString(i++, s.errorType());
    ps.setString(i++, s.errorMessage());
    ps.setString(i++, s.errorTraceback());
    ps.setInt(i++, s.abandoned() ? 1 : 0);
    ps.setInt(i++, s.priority());
    ps.setString(i++, s.owner());
    ps.setInt(i++, s.attempt());
    ps.setInt(i++, s.cancelRequested() ? 1 : 0);
    setMillis(ps, i++, s.runAt());
    return i;
  }

  static void setMillis(PreparedStatement ps, int index, Instant t) throws SQLException {
    if (t == null) ps.setNull(index, Types.INTEGER);
    else ps.setLong(index, t.toEpochMilli());
  }

  /** The task in the current row of a result set selecting {@link #COLUMNS}. */
  static TaskState read(ResultSet rs) throws SQLException {
    String id = rs.getString(2);
    String statusText = rs.getString(7);
    TaskStatus status = TaskStatus.fromWire(statusText);
    if (status == null) throw new IllegalStateException("task " + id + " has an unknown status: " + statusText);
    JsonNode params = parse(id, "params", rs.getString(13));
    if (!(params instanceof ObjectNode paramsObject)) {
      throw new IllegalStateException("task " + id + " has params that are not a JSON object");
    }
    String results = rs.getString(12);
    return new TaskState(
        id,
        rs.getLong(1),
        rs.getLong(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        status,
        rs.getInt(8),
        rs.getString(9),
        rs.getString(10),
        rs.getString(11),
        results == null ? null : parse(id, "results", results),
        paramsObject,
        Instant.ofEpochMilli(rs.getLong(14)),
        millis(rs, 15),
        millis(rs, 16),
        rs.getString(17),
        rs.getString(18),
        rs.getString(19),
        rs.getInt(20) != 0,
        nullableLong(rs, 21),
        rs.getInt(22),
        rs.getString(23),
        rs.getInt(24),
        rs.getInt(25) != 0,
        millis(rs, 26),
        rs.getInt(27),
        EncodedTask.splitNames(rs.getString(28)),
        rs.getString(29),
        fairTag(rs));
  }

  private static long fairTag(ResultSet rs) throws SQLException {
    long v = rs.getLong(30);
    return rs.wasNull() ? TaskState.NO_TAG : v;
  }

  static Instant millis(ResultSet rs, int index) throws SQLException {
    long v = rs.getLong(index);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static Long nullableLong(ResultSet rs, int index) throws SQLException {
    long v = rs.getLong(index);
    return rs.wasNull() ? null : v;
  }

  static JsonNode parse(String id, String what, String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("task " + id + " has unreadable " + what + ": " + e.getOriginalMessage(), e);
    }
  }
}
