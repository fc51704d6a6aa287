package io.brinjal.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.execution.TaskEngine.RemoteChange;
import io.brinjal.execution.TaskView;
import io.brinjal.json.Json;
import io.brinjal.store.TaskState;
import io.brinjal.task.TaskStatus;
import io.brinjal.wire.TaskJson;
import java.nio.charset.StandardCharsets;

/**
 * What one node tells the others about a task, as a NOTIFY payload: the facts the receivers need
 * to keep their lines, runs and limits right, and the task JSON as clients get it, so they can
 * publish it to their own streams without asking the database (left out when it would not fit
 * the payload limit; the receiver then reads the task).
 *
 * <p>{@code {"n": node, "k": "a"|"c"|"r"|"s", "id": task or schedule id, "st": status,
 * "sem": semaphore, "pr": priority, "seq": seq, "v": version, "ow": owner, "cx": cancel requested,
 * "pa": parent id, "t": task JSON}}.
 */
record NodeMessage(String node, char kind, String id, TaskStatus status, String semaphore, int priority, long seq,
    long version, String owner, boolean cancelRequested, String parentId, JsonNode task) {

  static final char ADDED = 'a';
  static final char CHANGED = 'c';
  static final char REMOVED = 'r';
  /** A recurring schedule was created, changed or deleted: reload the schedules. */
  static final char SCHEDULES = 's';
  /** PostgreSQL refuses payloads of 8,000 bytes and more. */
  static final int MAX_BYTES = 7_900;

  static NodeMessage of(String node, char kind, TaskView view) {
    TaskState s = view.state();
    return new NodeMessage(node, kind, s.id(), s.status(), s.semaphore(), s.priority(), s.seq(), s.version(), s.owner(),
        s.cancelRequested(), s.parentId(), TaskJson.tree(view));
  }

  static NodeMessage removed(String node, String taskId) {
    return new NodeMessage(node, REMOVED, taskId, null, null, 0, 0, 0, null, false, null, null);
  }

  static NodeMessage schedules(String node, String scheduleId) {
    return new NodeMessage(node, SCHEDULES, scheduleId, null, null, 0, 0, 0, null, false, null, null);
  }

  boolean terminal() {
    return status != null && status.isTerminal();
  }

  RemoteChange change() {
    RemoteChange.Kind k = switch (kind) {
      case ADDED -> RemoteChange.Kind.ADDED;
      case REMOVED -> RemoteChange.Kind.REMOVED;
      default -> RemoteChange.Kind.CHANGED;
    };
    return new RemoteChange(k, id, status, semaphore, priority, seq, owner, cancelRequested, parentId);
  }

  /** The payload; without the task JSON when that would pass {@link #MAX_BYTES}. */
  String encode() {
    ObjectNode o = Json.object();
    o.put("n", node);
    o.put("k", String.valueOf(kind));
    o.put("id", id);
    if (status != null) {
      o.put("st", status.wire());
      o.put("sem", semaphore);
      o.put("pr", priority);
      o.put("seq", seq);
      o.put("v", version);
      o.put("ow", owner);
      o.put("cx", cancelRequested);
      o.put("pa", parentId);
    }
    if (task != null) o.set("t", task);
    String full = Json.encodeTree(o);
    if (task == null || full.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) return full;
    o.remove("t");
    return Json.encodeTree(o);
  }

  static NodeMessage decode(String payload) {
    JsonNode o;
    try {
      o = Json.MAPPER.readTree(payload);
    } catch (Exception e) {
      throw new IllegalArgumentException("not a node message: " + e.getMessage());
    }
    String k = o.path("k").asText("");
    if (k.length() != 1 || !o.hasNonNull("n") || !o.hasNonNull("id")) throw new IllegalArgumentException("not a node message");
    TaskStatus status = o.hasNonNull("st") ? TaskStatus.fromWire(o.get("st").asText()) : null;
    JsonNode task = o.get("t");
    return new NodeMessage(o.get("n").asText(), k.charAt(0), o.get("id").asText(), status, text(o, "sem"),
        o.path("pr").asInt(), o.path("seq").asLong(), o.path("v").asLong(), text(o, "ow"), o.path("cx").asBoolean(),
        text(o, "pa"), task == null || task.isNull() ? null : task);
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
