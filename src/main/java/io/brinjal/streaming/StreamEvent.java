package io.brinjal.streaming;

/**
 * One event as streams carry it: a global sequence number (SSE {@code id:}, WebSocket
 * {@code seq}) and the already-encoded JSON, so fan-out to many clients encodes nothing.
 *
 * @param taskId the task a task event is about; null for queue and control events
 */
public record StreamEvent(long seq, Kind kind, String taskId, String json) {
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

  public boolean isTaskEvent() {
    return kind == Kind.TASK || kind == Kind.TASK_TERMINAL;
  }

  public boolean isTerminal() {
    return kind == Kind.TASK_TERMINAL;
  }

  public String sseFrame() {
    return "id: " + seq + "\ndata: " + json + "\n\n";
  }

  /** The same JSON with {@code seq} (and {@code type} for task events) added in front. */
  public String webSocketFrame() {
    return switch (kind) {
      case CONTROL -> json;
      case QUEUE -> "{\"seq\":" + seq + "," + json.substring(1);
      case TASK, TASK_TERMINAL -> "{\"type\":\"task_updated\",\"seq\":" + seq + "," + json.substring(1);
    };
  }

  /** Rough heap cost, for the per-client buffer bound. */
  public int weight() {
    return 64 + 2 * json.length();
  }
}
