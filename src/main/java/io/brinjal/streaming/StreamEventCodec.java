package io.brinjal.streaming;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;

/**
 * Sends {@link StreamEvent}s over the event bus: as the same instance to local consumers (no
 * copy per subscriber), as bytes to other nodes of a clustered bus.
 */
final class StreamEventCodec implements MessageCodec<StreamEvent, StreamEvent> {
  static final String NAME = "brinjal-stream-event";

  @Override
  public void encodeToWire(Buffer buffer, StreamEvent event) {
    buffer.appendLong(event.seq());
    buffer.appendByte((byte) event.kind().ordinal());
    appendString(buffer, event.taskId() == null ? "" : event.taskId());
    appendString(buffer, event.json());
  }

  @Override
  public StreamEvent decodeFromWire(int pos, Buffer buffer) {
    long seq = buffer.getLong(pos);
    StreamEvent.Kind kind = StreamEvent.Kind.values()[buffer.getByte(pos + 8)];
    int at = pos + 9;
    int idLength = buffer.getInt(at);
    String taskId = buffer.getString(at + 4, at + 4 + idLength, StandardCharsets.UTF_8.name());
    at += 4 + idLength;
    int jsonLength = buffer.getInt(at);
    String json = buffer.getString(at + 4, at + 4 + jsonLength, StandardCharsets.UTF_8.name());
    return new StreamEvent(seq, kind, taskId.isEmpty() ? null : taskId, json);
  }

  private static void appendString(Buffer buffer, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  @Override
  public StreamEvent transform(StreamEvent event) {
    return event; // immutable
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
