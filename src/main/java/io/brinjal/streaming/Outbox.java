package io.brinjal.streaming;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One client's outgoing events, bounded. While the socket keeps up, events go straight out.
 * When it falls behind, events wait here: a newer state of a task replaces the waiting older
 * one (each task event is the full state, so nothing is lost but intermediate progress), while
 * terminal, queue and control events are never dropped. A backlog that grows past the byte
 * bound, or lasts longer than the slow-client timeout, disconnects the client.
 *
 * <p>A chunked event (a snapshot of a long task list) is written piece by piece, each piece
 * fetched only when the socket has room for it; everything offered meanwhile waits behind it,
 * so no frame ever lands inside another. Events that wait only because the server is still
 * rendering that snapshot (the client keeps up) are allowed {@value #SNAPSHOT_ALLOWANCE} times
 * the backlog bound: the client is not slow, the server is; the bound still holds memory in.
 * Confined to the connection's event loop.
 */
final class Outbox {
  static final int SNAPSHOT_ALLOWANCE = 16;

  interface Sink {
    boolean writeQueueFull();

    void write(StreamEvent event);

    /** The start of a chunked event, up to its first piece. */
    void beginChunked(StreamEvent event);

    void writeChunk(String piece);

    void endChunked();

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
  private StreamEvent chunked; // being written piece by piece
  private boolean fetching; // a piece of it is being rendered
  private boolean stalled; // it waits for the socket to drain

  Outbox(Sink sink, long maxBacklogBytes, StreamService.Counters counters) {
    this.sink = sink;
    this.maxBacklogBytes = maxBacklogBytes;
    this.counters = counters;
    sink.onDrain(this::flush);
  }

  void offer(StreamEvent event) {
    if (aborted) return;
    if (chunked == null && backlog.isEmpty() && !sink.writeQueueFull()) {
      send(event);
      return;
    }
    Object key = event.kind() == StreamEvent.Kind.TASK ? event.taskId() : new Object();
    StreamEvent superseded = backlog.remove(key);
    if (superseded != null) {
      backlogBytes -= superseded.weight();
      counters.dropped();
    }
    if (backlog.isEmpty() && !stalled) sink.backlogStarted();
    backlog.put(key, event);
    backlogBytes += event.weight();
    long bound = chunked != null && !stalled ? maxBacklogBytes * SNAPSHOT_ALLOWANCE : maxBacklogBytes;
    if (backlogBytes > bound) {
      abort();
      return;
    }
    counters.backlog(backlogBytes);
  }

  /** True while a chunked event is being written: nothing else may go on the wire meanwhile. */
  boolean isWritingChunked() {
    return chunked != null;
  }

  /** Runs {@code action} once everything offered so far has been handed to the socket. */
  void whenFlushed(Runnable action) {
    if (backlog.isEmpty() && chunked == null) action.run();
    else whenEmpty = action;
  }

  private void send(StreamEvent event) {
    if (!event.isChunked()) {
      sink.write(event);
      return;
    }
    chunked = event;
    sink.beginChunked(event);
    pump();
  }

  /** Fetches and writes the next piece while the socket has room; the drain handler resumes it. */
  private void pump() {
    if (aborted || chunked == null || fetching) return;
    if (sink.writeQueueFull()) {
      if (!stalled && backlog.isEmpty()) sink.backlogStarted();
      stalled = true;
      return;
    }
    if (stalled) {
      stalled = false;
      if (backlog.isEmpty()) sink.backlogEnded();
    }
    fetching = true;
    StreamEvent current = chunked;
    current.chunks().next().onComplete(ar -> {
      fetching = false;
      if (aborted || chunked != current) return;
      if (ar.failed()) { // the store could not be read: a half-written list must not pass for a whole one
        abort();
        return;
      }
      String piece = ar.result();
      if (piece == null) {
        sink.endChunked();
        chunked = null;
        flush();
        return;
      }
      if (!piece.isEmpty()) sink.writeChunk(piece);
      pump();
    });
  }

  private void flush() {
    if (chunked != null) {
      pump();
      return;
    }
    Iterator<Map.Entry<Object, StreamEvent>> it = backlog.entrySet().iterator();
    while (!aborted && chunked == null && it.hasNext() && !sink.writeQueueFull()) {
      StreamEvent next = it.next().getValue();
      it.remove();
      backlogBytes -= next.weight();
      send(next);
    }
    if (backlog.isEmpty() && chunked == null && !aborted) {
      sink.backlogEnded();
      if (whenEmpty != null) {
        Runnable action = whenEmpty;
        whenEmpty = null;
        action.run();
      }
    }
  }

  /** The slow-client timeout ran out, or the backlog bound was passed. */
  void abort() {
    if (aborted) return;
    aborted = true;
    backlog.clear();
    backlogBytes = 0;
    chunked = null;
    sink.backlogEnded();
    counters.slowDisconnect();
    sink.abort();
  }
}
