package io.brinjal.streaming;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The most recent events, for clients that reconnect with {@code Last-Event-ID} or
 * {@code resume_from}. Event-loop confined (the engine's loop). Sequence numbers are
 * contiguous from this run's first id, so the ring holds exactly the range [oldest, newest].
 */
final class EventRing {
  private final StreamEvent[] slots;
  private final long firstId;
  private long newestSeq;
  private int size;

  /** @param firstId this run's first id: events are numbered after it, anything below is from an earlier run */
  EventRing(int capacity, long firstId) {
    this.slots = new StreamEvent[Math.max(1, capacity)];
    this.firstId = firstId;
    this.newestSeq = firstId;
  }

  void add(StreamEvent event) {
    slots[(int) (event.seq() % slots.length)] = event;
    newestSeq = event.seq();
    size = Math.min(size + 1, slots.length);
  }

  /**
   * The events after {@code seq} that match, oldest first; null when some of them have
   * already left the ring, or {@code seq} is not a number of this run (the caller falls back
   * to a fresh snapshot).
   */
  List<StreamEvent> after(long seq, Predicate<StreamEvent> filter) {
    if (seq < firstId) return null; // sent before a restart: what changed since is not in the ring
    if (seq > newestSeq) return null; // a number this server never sent
    if (seq == newestSeq) return List.of();
    long oldest = newestSeq - size + 1;
    if (size == 0 || seq + 1 < oldest) return null;
    List<StreamEvent> out = new ArrayList<>();
    for (long s = seq + 1; s <= newestSeq; s++) {
      StreamEvent e = slots[(int) (s % slots.length)];
      if (filter.test(e)) out.add(e);
    }
    return out;
  }
}
