package io.brinjal.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.execution.TaskEngine.RemoteChange;
import io.brinjal.json.Json;
import io.brinjal.store.TaskState;
import io.brinjal.task.TaskStatus;
import java.nio.charset.StandardCharsets;

/**
 * What one node tells the others about a task, as a NOTIFY payload: a header line with the facts
 * the receivers need to keep their lines, runs and limits right, then the task JSON exactly as
 * this node's clients got it, so the receivers publish it to their own streams as it is, without
 * parsing it or asking the database (it is left out when it would not fit the payload limit; a
 * receiver then reads the task).
 *
 * <p>Header: {@code {"n": node, "k": "a"|"c"|"r"|"s"|"l", "id": task or schedule id or semaphore name, "st": status,
 * "sem": semaphore, "pr": priority, "seq": seq, "v": version, "ow": owner, "cx": cancel requested,
 * "pa": parent id, "ra": run_at in epoch ms (scheduled tasks only), "ky": has a concurrency key,
 * "ss": takes several semaphores (both only when true)}}; a newline and the task JSON follow for "a" and "c". The header is one line:
 * JSON escapes newlines inside strings.
 *
 * @param change what the engine needs (null for a schedule change)
 * @param taskJson the task as clients see it, or null
 */
record NodeMessage(String node, char kind, String id, long version, RemoteChange change, String taskJson) {

  static final char ADDED = 'a';
  static final char CHANGED = 'c';
  static final char REMOVED = 'r';
  /** A recurring schedule was created, changed or deleted: reload the schedules. */
  static final char SCHEDULES = 's';
  /** A semaphore's limit was changed at run time ({@code id} is its name): read it from the store again. */
  static final char LIMIT = 'l';
  /** PostgreSQL refuses payloads of 8,000 bytes and more. */
  static final int MAX_BYTES = 7_900;

  static NodeMessage of(String node, char kind, TaskState s, String taskJson) {
    return new NodeMessage(node, kind, s.id(), s.version(),
        RemoteChange.of(kind == ADDED ? RemoteChange.Kind.ADDED : RemoteChange.Kind.CHANGED, s), taskJson);
  }

  static NodeMessage removed(String node, String taskId) {
    return new NodeMessage(node, REMOVED, taskId, 0, RemoteChange.removed(taskId), null);
  }

  static NodeMessage schedules(String node, String scheduleId) {
    return new NodeMessage(node, SCHEDULES, scheduleId, 0, null, null);
  }

  static NodeMessage limit(String node, String semaphore) {
    return new NodeMessage(node, LIMIT, semaphore, 0, null, null);
  }

  boolean terminal() {
    return change != null && change.status() != null && change.status().isTerminal();
  }

  /** The payload; without the task JSON when that would pass {@link #MAX_BYTES}. */
  String encode() {
    ObjectNode o = Json.object();
    o.put("n", node);
    o.put("k", String.valueOf(kind));
    o.put("id", id);
    if (change != null && change.status() != null) {
      o.put("st", change.status().wire());
      o.put("sem", change.semaphore());
      o.put("pr", change.priority());
      o.put("seq", change.seq());
      o.put("v", version);
      o.put("ow", change.owner());
      o.put("cx", change.cancelRequested());
      o.put("pa", change.parentId());
      if (change.runAt() != null) o.put("ra", change.runAt().toEpochMilli());
      if (change.keyed()) o.put("ky", true);
      if (change.severalSemaphores()) o.put("ss", true);
    }
    String header = Json.encodeTree(o);
    return taskJson == null || !fits(header, taskJson) ? header : header + '\n' + taskJson;
  }

  private static boolean fits(String header, String taskJson) {
    // a char is at most 3 bytes of UTF-8: count them only when it could matter
    if (3L * (header.length() + 1 + taskJson.length()) <= MAX_BYTES) return true;
    return header.getBytes(StandardCharsets.UTF_8).length + 1 + taskJson.getBytes(StandardCharsets.UTF_8).length
        <= MAX_BYTES;
  }

  static NodeMessage decode(String payload) {
    int newline = payload.indexOf('\n');
    JsonNode o;
    try {
      o = Json.MAPPER.readTree(newline < 0 ? payload : payload.substring(0, newline));
    } catch (Exception e) {
      throw new IllegalArgumentException("not a node message: " + e.getMessage());
    }
    String k = o.path("k").asText("");
    if (k.length() != 1 || !o.hasNonNull("n") || !o.hasNonNull("id")) throw new IllegalArgumentException("not a node message");
    char kind = k.charAt(0);
    String id = o.get("id").asText();
    TaskStatus status = TaskStatus.fromWire(o.path("st").asText(""));
    if ((kind == ADDED || kind == CHANGED) && status == null) throw new IllegalArgumentException("a task message without a status");
    RemoteChange change = switch (kind) {
      case ADDED, CHANGED -> new RemoteChange(kind == ADDED ? RemoteChange.Kind.ADDED : RemoteChange.Kind.CHANGED, id,
          status, text(o, "sem"), o.path("pr").asInt(), o.path("seq").asLong(), text(o, "ow"), o.path("cx").asBoolean(),
          text(o, "pa"), o.hasNonNull("ra") ? java.time.Instant.ofEpochMilli(o.get("ra").asLong()) : null,
          o.path("ky").asBoolean(), o.path("ss").asBoolean());
      case REMOVED -> RemoteChange.removed(id);
      default -> null;
    };
    return new NodeMessage(o.get("n").asText(), kind, id, o.path("v").asLong(), change,
        newline < 0 ? null : payload.substring(newline + 1));
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
