package io.brinjal.streaming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.execution.NotFoundException;
import io.brinjal.json.Json;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * One WebSocket client, multiplexing any number of task subscriptions and the queue.
 *
 * <p>Client frames: {@code {"op":"subscribe","task_ids":[…]}}, {@code {"op":"subscribe",
 * "queue":true}} (with {@code "task_updates":true}: every task's changes too; either may add
 * {@code "resume_from": seq}), and {@code {"op":"unsubscribe",…}} with the same fields. Server frames: the SSE events with {@code seq} added (task events also
 * get {@code "type":"task_updated"}), acknowledgements {@code subscribed} / {@code unsubscribed},
 * and {@code {"type":"error","detail":…}} for a bad frame; the connection lives on. A message
 * (or frame) over {@link StreamService#MAX_WEBSOCKET_MESSAGE_BYTES} is the one exception: the
 * server reads no more of it and closes with 1009 ("message too big"). Compression is never
 * negotiated (see HttpListener), so that limit bounds what a message can cost before any parsing.
 */
final class WebSocketConnection extends StreamConnection {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WebSocketConnection.class);
  static final int MAX_SUBSCRIPTIONS = 10_000;
  private static final int SOCKET_QUEUE_BYTES = 64 * 1024;
  /** The longest piece of text one outgoing frame carries: at most 48 KiB of UTF-8. */
  private static final int OUT_FRAME_CHARS = 16 * 1024;

  private final ServerWebSocket ws;
  private final HttpConnection connection;

  WebSocketConnection(StreamService service, ServerWebSocket ws, HttpConnection connection) {
    super(service, Transport.WEBSOCKET);
    this.ws = ws;
    this.connection = connection;
    ws.setWriteQueueMaxSize(SOCKET_QUEUE_BYTES);
    startOutbox();
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> error("binary frames are not part of the protocol; send JSON text", null));
    ws.closeHandler(v -> release());
    ws.exceptionHandler(this::onException);
  }

  private void onException(Throwable e) {
    if (tooBig(e) && !ws.isClosed()) {
      LOG.warn("WebSocket message from {} over {} bytes: closed with 1009", ws.remoteAddress(),
          StreamService.MAX_WEBSOCKET_MESSAGE_BYTES);
      ws.close((short) 1009, "message too big: at most " + StreamService.MAX_WEBSOCKET_MESSAGE_BYTES + " bytes");
    }
    release();
  }

  /** A frame over the decoder's limit (Netty), or a message whose frames add up past it (Vert.x). */
  private static boolean tooBig(Throwable e) {
    if (e instanceof CorruptedWebSocketFrameException corrupt) {
      return corrupt.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code();
    }
    return e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("max message size");
  }

  @Override
  public void write(StreamEvent event) {
    String text = event.webSocketFrame();
    if (text.length() <= OUT_FRAME_CHARS) ws.writeTextMessage(text);
    else writeInFrames(text, true, true);
  }

  @Override
  public void beginChunked(StreamEvent event) {
    ws.writeFrame(WebSocketFrame.textFrame(event.webSocketHead(), false));
  }

  @Override
  public void writeChunk(String piece) {
    writeInFrames(piece, false, false);
  }

  /**
   * Vert.x would cut a message at the server's frame limit, 1 MiB so that a client's whole
   * subscribe fits one frame; clients with Vert.x's (or a similar) 64 KiB frame limit expect
   * smaller frames, so long text goes in pieces, never splitting a surrogate pair.
   */
  private void writeInFrames(String text, boolean startsMessage, boolean endsMessage) {
    for (int start = 0; start < text.length(); ) {
      int end = Math.min(text.length(), start + OUT_FRAME_CHARS);
      if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) end--;
      String piece = text.substring(start, end);
      boolean fin = endsMessage && end == text.length();
      ws.writeFrame(startsMessage && start == 0 ? WebSocketFrame.textFrame(piece, fin)
          : WebSocketFrame.continuationFrame(Buffer.buffer(piece), fin));
      start = end;
    }
  }

  @Override
  public void endChunked() {
    ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(StreamEvent.WEBSOCKET_TAIL), true));
  }

  @Override
  public boolean writeQueueFull() {
    return ws.writeQueueFull();
  }

  @Override
  public void onDrain(Runnable drained) {
    ws.drainHandler(v -> drained.run());
  }

  @Override
  public void abort() {
    connection.close(); // a close frame would wait behind the backlog: drop the TCP connection
    release();
  }

  @Override
  protected void keepAlive() {
    if (!isClosed()) ws.writePing(Buffer.buffer("keepalive")); // control frames may come between a message's fragments
  }

  @Override
  protected void taskEnded(String taskId) {
    // the subscription is already gone; nothing else to do: the socket stays for others
  }

  private void onText(String text) {
    JsonNode frame;
    try {
      frame = Json.STRICT_READER.readTree(text);
    } catch (JsonProcessingException e) {
      error("malformed JSON: " + e.getOriginalMessage(), null);
      return;
    }
    if (!(frame instanceof ObjectNode message)) {
      error("a frame must be a JSON object with an \"op\"", null);
      return;
    }
    String op = message.path("op").asText("");
    switch (op) {
      case "subscribe" -> subscribe(message);
      case "unsubscribe" -> unsubscribe(message);
      default -> error("unknown op \"" + op + "\"; use \"subscribe\" or \"unsubscribe\"", message);
    }
  }

  private void subscribe(ObjectNode message) {
    Request request = parse(message);
    if (request == null) return;
    if (subscriptionCount() + request.taskIds.size() > MAX_SUBSCRIPTIONS) {
      error("at most " + MAX_SUBSCRIPTIONS + " subscriptions per connection", message);
      return;
    }
    List<Future<Void>> pending = new ArrayList<>();
    List<String> accepted = new ArrayList<>();
    for (String id : request.taskIds) {
      pending.add(subscribeTask(id, request.resumeFrom).andThen(ar -> {
        if (ar.succeeded()) accepted.add(id);
        else if (ar.cause() instanceof NotFoundException nf) error(nf.getMessage(), null);
        else error("could not subscribe to task " + id, null);
      }));
    }
    if (request.queue) pending.add(subscribeQueue(request.resumeFrom, request.taskUpdates));
    Future.join(pending).onComplete(ar -> acknowledge("subscribed", accepted, request.queue));
  }

  private void unsubscribe(ObjectNode message) {
    Request request = parse(message);
    if (request == null) return;
    request.taskIds.forEach(this::unsubscribeTask);
    if (request.queue) unsubscribeQueue();
    acknowledge("unsubscribed", request.taskIds, request.queue);
  }

  private record Request(List<String> taskIds, boolean queue, boolean taskUpdates, Long resumeFrom) {}

  private Request parse(ObjectNode message) {
    List<String> ids = new ArrayList<>();
    JsonNode taskIds = message.get("task_ids");
    if (taskIds != null) {
      if (!taskIds.isArray()) return badRequest("\"task_ids\" must be an array of task ids", message);
      for (JsonNode id : taskIds) {
        if (!id.isTextual() || id.textValue().isEmpty() || id.textValue().length() > 100) {
          return badRequest("\"task_ids\" must hold task id strings", message);
        }
        ids.add(id.textValue());
      }
    }
    JsonNode queue = message.get("queue");
    if (queue != null && !queue.isBoolean()) return badRequest("\"queue\" must be true or false", message);
    boolean wantsQueue = queue != null && queue.booleanValue();
    JsonNode updates = message.get("task_updates");
    if (updates != null && !updates.isBoolean()) return badRequest("\"task_updates\" must be true or false", message);
    boolean taskUpdates = updates != null && updates.booleanValue();
    if (taskUpdates && !wantsQueue) return badRequest("\"task_updates\" goes with \"queue\": true", message);
    JsonNode resume = message.get("resume_from");
    if (resume != null && !resume.isNull() && !(resume.isIntegralNumber() && resume.canConvertToLong() && resume.longValue() >= 0)) {
      return badRequest("\"resume_from\" must be the seq of an event this server sent", message);
    }
    if (ids.isEmpty() && !wantsQueue) return badRequest("name \"task_ids\" or \"queue\": true", message);
    return new Request(ids, wantsQueue, taskUpdates, resume == null || resume.isNull() ? null : resume.longValue());
  }

  private Request badRequest(String detail, ObjectNode message) {
    error(detail, message);
    return null;
  }

  private void acknowledge(String type, List<String> taskIds, boolean queue) {
    ObjectNode ack = Json.object();
    ack.put("type", type);
    ArrayNode ids = ack.putArray("task_ids");
    taskIds.forEach(ids::add);
    ack.put("queue", queue);
    control(ack);
  }

  private void error(String detail, ObjectNode request) {
    ObjectNode out = Json.object();
    out.put("type", "error");
    out.put("detail", detail);
    if (request != null && request.has("op")) out.set("op", request.get("op"));
    control(out);
  }

  private void control(ObjectNode message) {
    if (!isClosed()) outbox.offer(new StreamEvent(0, StreamEvent.Kind.CONTROL, null, Json.encode(message)));
  }
}
