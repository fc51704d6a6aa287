package io.brinjal.streaming;

import io.brinjal.execution.TaskPublisher;
import io.brinjal.execution.TaskView;
import io.brinjal.json.Json;
import io.brinjal.loop.Loop;
import io.brinjal.wire.TaskJson;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publishing side of live updates, the engine's {@link TaskPublisher}: renders each change
 * once, numbers it, keeps recent events in a ring for replay, and publishes them on the event
 * bus, the one path events take to SSE and WebSocket clients. Confined to the engine's event
 * loop, where the engine calls it.
 *
 * <p>Event ids keep growing across restarts: they are handed out from blocks reserved in the
 * store before use, so a client's {@code Last-Event-ID} from an earlier run is always below
 * this run's first id and gets a fresh snapshot, never a replay of unrelated events. On a store
 * shared by several nodes the blocks of one node are not adjacent (the others reserve theirs
 * in between): the ids jump to the next block reserved, so no two nodes ever send the same id,
 * and an id from another node is never mistaken for one of this node's.
 */
public final class TaskEvents implements TaskPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(TaskEvents.class);
  private static final AtomicInteger ENGINES = new AtomicInteger();
  private static final DeliveryOptions CODEC = new DeliveryOptions().setCodecName(StreamEventCodec.NAME);
  /** Ids reserved per store write; the next block is asked for when half of this one is used. */
  static final long ID_BLOCK = 1_000_000;

  private final EventBus bus;
  private final Loop loop;
  private final String prefix;
  private final String everything;
  private final int replayEvents;
  private final LongFunction<Future<Long>> reserveIds;
  private final long idBlock;

  // ---- event-loop confined ----
  private EventRing ring;
  private long seq; // the latest id used (or this run's first id, before any event)
  private long blockEnd; // ids below this, in the block in use, are reserved for this node
  private long nextBlock = -1; // the first id of the block reserved to follow, or -1
  private boolean reserving;
  private boolean warnedOutOfIds;
  private long lastAddedTaskSeq; // every task with a seq up to this one has been announced

  /** @param reserveIds reserves a block of ids in the store, answering its first id */
  public TaskEvents(EventBus bus, int replayEvents, Loop loop, LongFunction<Future<Long>> reserveIds) {
    this(bus, replayEvents, loop, reserveIds, ID_BLOCK);
  }

  TaskEvents(EventBus bus, int replayEvents, Loop loop, LongFunction<Future<Long>> reserveIds, long idBlock) {
    this.idBlock = idBlock;
    this.bus = bus;
    this.loop = loop;
    this.replayEvents = replayEvents;
    this.reserveIds = reserveIds;
    // one prefix per engine, so two servers inside one Vert.x instance never hear each other
    this.prefix = "brinjal." + ENGINES.incrementAndGet();
    this.everything = prefix + ".all";
    try {
      bus.registerCodec(new StreamEventCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // another engine in this Vert.x instance registered it: same codec, nothing to do
    }
  }

  /**
   * Reserves this run's first ids; {@code lastTaskSeq} is the store's highest task seq, every one
   * of whose tasks exists already (a snapshot taken now may show them all). Before any publish.
   */
  public Future<Void> start(long lastTaskSeq) {
    return loop.compose(() -> reserveIds.apply(idBlock).map(first -> {
      seq = first; // used as the number of a snapshot taken before any event; events follow it
      blockEnd = first + idBlock;
      ring = new EventRing(replayEvents, first);
      lastAddedTaskSeq = lastTaskSeq;
      return null;
    }));
  }

  public Loop loop() {
    return loop;
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

  /** The number of the latest event: every change up to it is in the store. */
  public long currentSeqOnLoop() {
    return seq;
  }

  /** Every task with a seq up to this one was announced by an event up to {@link #currentSeqOnLoop()}. */
  public long lastAddedTaskSeqOnLoop() {
    return lastAddedTaskSeq;
  }

  // ---------------------------------------------------------------- TaskPublisher (engine loop)

  @Override
  public void added(TaskView task) {
    addedOnLoop(task.id(), task.state().seq(), TaskJson.encode(task));
  }

  @Override
  public void changed(TaskView task) {
    changedOnLoop(task.id(), task.state().isTerminal(), TaskJson.encode(task));
  }

  /** A task was added (here or on another node); {@code taskJson} is its rendering. */
  public void addedOnLoop(String taskId, long taskSeq, String taskJson) {
    lastAddedTaskSeq = Math.max(lastAddedTaskSeq, taskSeq);
    publish(queueAddress(), new StreamEvent(nextSeq(), StreamEvent.Kind.QUEUE, taskId,
        "{\"type\":\"task_added\",\"task\":" + taskJson + "}"));
  }

  /** A task changed (here or on another node); {@code taskJson} is its rendering. */
  public void changedOnLoop(String taskId, boolean terminal, String taskJson) {
    publish(taskAddress(taskId), new StreamEvent(nextSeq(),
        terminal ? StreamEvent.Kind.TASK_TERMINAL : StreamEvent.Kind.TASK, taskId, taskJson));
  }

  @Override
  public void removed(String taskId) {
    publish(queueAddress(), new StreamEvent(nextSeq(), StreamEvent.Kind.QUEUE, taskId,
        "{\"type\":\"task_removed\",\"task_id\":" + Json.encode(taskId) + "}"));
  }

  private long nextSeq() {
    long next = seq + 1;
    if (next >= blockEnd) {
      if (nextBlock >= 0) {
        next = Math.max(next, nextBlock); // the same id with a store of its own, a jump with a shared one
        blockEnd = nextBlock + idBlock;
        nextBlock = -1;
      } else if (!warnedOutOfIds) {
        // the store could not reserve more in time: go on past the block (ids still grow)
        warnedOutOfIds = true;
        LOG.warn("event ids ran past the block reserved in the store (at {}); another node may send the same ids", next);
      }
    }
    seq = next;
    if (!reserving && nextBlock < 0 && next >= blockEnd - idBlock / 2) reserveMoreOnLoop();
    return next;
  }

  /** The next block, well before this one runs out. */
  private void reserveMoreOnLoop() {
    reserving = true;
    reserveIds.apply(idBlock).onComplete(ar -> {
      reserving = false;
      if (ar.failed()) {
        LOG.warn("could not reserve more event ids in the store: {}", ar.cause().getMessage());
      } else {
        nextBlock = ar.result();
        warnedOutOfIds = false;
      }
    });
  }

  // ---------------------------------------------------------------- replay (engine loop)

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
