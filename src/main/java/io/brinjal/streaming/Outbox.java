package io.brinjal.streaming;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One client's outgoing events, bounded. While the socket keeps up, events go straight out.
 * When it falls behind, events wait here: a newer state of a task replaces the waiting older
 * one (each task event is the full state, so nothing is lost but intermediate progress), while
 * terminal, queue and control events are never dropped. A backlog that grows past the byte
 * bound, or lasts longer than the slow-client timeout, disconnects the client. Confined to the
 * connection's event loop.
 */
final class Outbox {
  interface Sink {
    boolean writeQueueFull();

    void write(StreamEvent event);

    void onDrain(Runnable drained);

    /** Drops the connection at once: the client is too slow to be served. */
    void abort();

    /** The client fell behind: start its slow-client clock. */
    void backlogStarted();

    /** The client caught up (or was dropped): stop the clock. */
    void backlogEnded();
  }

  private final Sink sink;
  private final long maxBacklogBytes;
  private final StreamService.Counters counters;
  private final LinkedHashMap<Object, StreamEvent> backlog = new LinkedHashMap<>();
  private long backlogBytes;
  private boolean aborted;
  private Runnable whenEmpty;

  Outbox(Sink sink, long maxBacklogBytes, StreamService.Counters counters) {
    this.sink = sink;
    this.maxBacklogBytes = maxBacklogBytes;
    this.counters = counters;
    sink.onDrain(this::flush);
  }

  void offer(StreamEvent event) {
    if (aborted) return;
    if (backlog.isEmpty() && !sink.writeQueueFull()) {
      sink.write(event);
      return;
    }
    Object key = event.kind() == StreamEvent.Kind.TASK ? event.taskId() : new Object();
    StreamEvent superseded = backlog.remove(key);
    if (superseded != null) {
      backlogBytes -= superseded.weight();
      counters.dropped();
    }
    if (backlog.isEmpty()) sink.backlogStarted();
    backlog.put(key, event);
    backlogBytes += event.weight();
    if (backlogBytes > maxBacklogBytes) {
      abort();
      return;
    }
    counters.backlog(backlogBytes);
  }

  /** Runs {@code action} once everything offered so far has been handed to the socket. */
  void whenFlushed(Runnable action) {
    if (backlog.isEmpty()) action.run();
    else whenEmpty = action;
  }

  private void flush() {
    Iterator<Map.Entry<Object, StreamEvent>> it = backlog.entrySet().iterator();
    while (!aborted && it.hasNext() && !sink.writeQueueFull()) {
      StreamEvent next = it.next().getValue();
      it.remove();
      backlogBytes -= next.weight();
      sink.write(next);
    }
    if (backlog.isEmpty() && !aborted) {
      sink.backlogEnded();
      if (whenEmpty != null) {
        Runnable action = whenEmpty;
        whenEmpty = null;
        action.run();
      }
    }
  }

  boolean isBacklogged() {
    return !backlog.isEmpty();
  }

  long backlogBytes() {
    return backlogBytes;
  }

  /** The slow-client timeout ran out, or the backlog bound was passed. */
  void abort() {
    if (aborted) return;
    aborted = true;
    backlog.clear();
    backlogBytes = 0;
    sink.backlogEnded();
    counters.slowDisconnect();
    sink.abort();
  }
}
