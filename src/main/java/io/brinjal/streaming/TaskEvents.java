package io.brinjal.streaming;

import io.brinjal.json.Json;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The publishing side of live updates, owned by the engine's event loop: numbers every event,
 * keeps recent ones in a ring for replay, and publishes them on the event bus, the one path
 * events take to SSE and WebSocket clients (so a clustered bus reaches every node unchanged).
 */
public final class TaskEvents {
  private static final AtomicInteger ENGINES = new AtomicInteger();
  private static final DeliveryOptions CODEC = new DeliveryOptions().setCodecName(StreamEventCodec.NAME);

  private final EventBus bus;
  private final String prefix;
  private final String everything;
  private final EventRing ring;
  private long seq;

  public TaskEvents(EventBus bus, int replayEvents) {
    this.bus = bus;
    // one prefix per engine, so two servers inside one Vert.x instance never hear each other
    this.prefix = "brinjal." + ENGINES.incrementAndGet();
    this.everything = prefix + ".all";
    this.ring = new EventRing(replayEvents);
    try {
      bus.registerCodec(new StreamEventCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // another engine in this Vert.x instance registered it: same codec, nothing to do
    }
  }

  public String taskAddress(String taskId) {
    return prefix + ".task." + taskId;
  }

  public String queueAddress() {
    return prefix + ".queue";
  }

  /**
   * Every event, queue and task alike, in order: one subscription that follows the whole server
   * (a dashboard), without one subscription per task or a limit on how many tasks it sees.
   */
  public String everythingAddress() {
    return everything;
  }

  /** The number of the latest event: a snapshot taken now reflects everything up to it. */
  public long currentSeqOnLoop() {
    return seq;
  }

  public void publishTaskOnLoop(String taskId, String taskJson, boolean terminal) {
    publish(taskAddress(taskId),
        new StreamEvent(++seq, terminal ? StreamEvent.Kind.TASK_TERMINAL : StreamEvent.Kind.TASK, taskId, taskJson));
  }

  public void publishAddedOnLoop(String taskId, String taskJson) {
    publish(queueAddress(), new StreamEvent(++seq, StreamEvent.Kind.QUEUE, taskId,
        "{\"type\":\"task_added\",\"task\":" + taskJson + "}"));
  }

  public void publishRemovedOnLoop(String taskId) {
    publish(queueAddress(), new StreamEvent(++seq, StreamEvent.Kind.QUEUE, taskId,
        "{\"type\":\"task_removed\",\"task_id\":" + Json.encode(taskId) + "}"));
  }

  /** Events of one task after {@code seq}, or null if the ring no longer reaches back that far. */
  public List<StreamEvent> taskEventsAfterOnLoop(String taskId, long after) {
    return ring.after(after, e -> e.isTaskEvent() && taskId.equals(e.taskId()));
  }

  /** Queue events after {@code seq}, or null if the ring no longer reaches back that far. */
  public List<StreamEvent> queueEventsAfterOnLoop(long after) {
    return ring.after(after, e -> e.kind() == StreamEvent.Kind.QUEUE);
  }

  /** Every event after {@code seq}, or null if the ring no longer reaches back that far. */
  public List<StreamEvent> allEventsAfterOnLoop(long after) {
    return ring.after(after, e -> true);
  }

  private void publish(String address, StreamEvent event) {
    ring.add(event);
    bus.publish(address, event, CODEC);
    // a publish nobody listens to costs a map lookup; a dashboard gets everything in order
    bus.publish(everything, event, CODEC);
  }
}
