package io.brinjal.streaming;

import io.vertx.core.buffer.Buffer;

/**
 * One event as streams carry it: a global sequence number (SSE {@code id:}, WebSocket
 * {@code seq}) and the already-encoded JSON. The wire frames are built once, on first use, and
 * shared by every client: fan-out to ten thousand streams encodes nothing ten thousand times.
 * Immutable to its readers; the frames are published through volatile fields because hubs on
 * different event loops may build them at the same time (they build equal values).
 */
public final class StreamEvent {
  public enum Kind {
    /** A full task JSON: a later one for the same task supersedes it. */
    TASK,
    /** The task's last event: never dropped, never superseded. */
    TASK_TERMINAL,
    /** {@code queue_updated}, {@code task_added}, {@code task_removed}: never dropped. */
    QUEUE,
    /** A WebSocket protocol message (error, acknowledgement): sent as is, not numbered. */
    CONTROL
  }

  /**
   * The pieces of a long task list, rendered page by page as the client takes them, so a
   * snapshot of a deep queue never sits whole in memory.
   */
  public interface Chunks {
    /** The next piece (tasks' JSON, comma-joined, with a leading comma after the first piece), or null at the end. */
    io.vertx.core.Future<String> next();
  }

  private static final String QUEUE_UPDATED_HEAD = "\"type\":\"queue_updated\",\"tasks\":[";

  private final long seq;
  private final Kind kind;
  private final String taskId;
  private final String json;
  private final Chunks chunks;
  private volatile Buffer sseFrame;
  private volatile String webSocketFrame;

  /** @param taskId the task a task event is about; null for queue and control events */
  public StreamEvent(long seq, Kind kind, String taskId, String json) {
    this(seq, kind, taskId, json, null);
  }

  private StreamEvent(long seq, Kind kind, String taskId, String json, Chunks chunks) {
    this.seq = seq;
    this.kind = kind;
    this.taskId = taskId;
    this.json = json;
    this.chunks = chunks;
  }

  /** A {@code queue_updated} snapshot whose task list is streamed out piece by piece. */
  public static StreamEvent queueUpdated(long seq, Chunks tasks) {
    return new StreamEvent(seq, Kind.QUEUE, null, null, tasks);
  }

  /** Streamed piece by piece (see {@link #chunks()}) rather than written as one frame. */
  public boolean isChunked() {
    return chunks != null;
  }

  public Chunks chunks() {
    return chunks;
  }

  /** What a chunked SSE event starts with, before its first piece. */
  public String sseHead() {
    return "id: " + seq + "\ndata: {" + QUEUE_UPDATED_HEAD;
  }

  /** What a chunked SSE event ends with, after its last piece. */
  public static final String SSE_TAIL = "]}\n\n";

  /** What a chunked WebSocket message starts with, before its first piece. */
  public String webSocketHead() {
    return "{\"seq\":" + seq + "," + QUEUE_UPDATED_HEAD;
  }

  /** What a chunked WebSocket message ends with, after its last piece. */
  public static final String WEBSOCKET_TAIL = "]}";

  public long seq() {
    return seq;
  }

  public Kind kind() {
    return kind;
  }

  public String taskId() {
    return taskId;
  }

  public String json() {
    return json;
  }

  public boolean isTaskEvent() {
    return kind == Kind.TASK || kind == Kind.TASK_TERMINAL;
  }

  public boolean isTerminal() {
    return kind == Kind.TASK_TERMINAL;
  }

  /** The UTF-8 SSE frame; writing it does not consume it (Vert.x writes a slice). */
  public Buffer sseFrame() {
    Buffer frame = sseFrame;
    if (frame == null) sseFrame = frame = Buffer.buffer("id: " + seq + "\ndata: " + json + "\n\n");
    return frame;
  }

  /** The same JSON with {@code seq} (and {@code type} for task events) added in front. */
  public String webSocketFrame() {
    String frame = webSocketFrame;
    if (frame == null) {
      webSocketFrame = frame = switch (kind) {
        case CONTROL -> json;
        case QUEUE -> "{\"seq\":" + seq + "," + json.substring(1);
        case TASK, TASK_TERMINAL -> "{\"type\":\"task_updated\",\"seq\":" + seq + "," + json.substring(1);
      };
    }
    return frame;
  }

  /** Rough heap cost, for the per-client buffer bound (a chunked event holds only its cursor). */
  public int weight() {
    return json == null ? 256 : 64 + 2 * json.length();
  }

  @Override
  public String toString() {
    return "StreamEvent[seq=" + seq + ", kind=" + kind + ", taskId=" + taskId + "]";
  }
}
