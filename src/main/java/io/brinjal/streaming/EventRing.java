package io.brinjal.streaming;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The most recent events, for clients that reconnect with {@code Last-Event-ID} or
 * {@code resume_from}. Event-loop confined (the engine's loop). Ids only grow, but not always
 * by one: on a store shared by several nodes each node numbers its events from blocks of its
 * own, so a replay starts from an id this node really sent, never from one that only falls in
 * its range (another node's id means nothing here).
 */
final class EventRing {
  private final StreamEvent[] slots; // in the order added, circular
  private long added; // events ever added; the newest is at (added - 1) % length
  /** The id just before the oldest event held: this run's first id until an event is evicted. */
  private long beforeOldest;

  /** @param firstId this run's first id: events are numbered after it, anything below is from an earlier run */
  EventRing(int capacity, long firstId) {
    this.slots = new StreamEvent[Math.max(1, capacity)];
    this.beforeOldest = firstId;
  }

  void add(StreamEvent event) {
    int slot = (int) (added++ % slots.length);
    if (slots[slot] != null) beforeOldest = slots[slot].seq();
    slots[slot] = event;
  }

  /**
   * The events after {@code seq} that match, oldest first; null when some of them have
   * already left the ring, or {@code seq} is not a number this server sent in this run (the
   * caller falls back to a fresh snapshot).
   */
  List<StreamEvent> after(long seq, Predicate<StreamEvent> filter) {
    int from; // the first position (0 = oldest held) to replay
    if (seq == beforeOldest) {
      from = 0;
    } else {
      int at = position(seq);
      if (at < 0) return null;
      from = at + 1;
    }
    List<StreamEvent> out = new ArrayList<>();
    for (int i = from; i < size(); i++) {
      StreamEvent e = at(i);
      if (filter.test(e)) out.add(e);
    }
    return out;
  }

  private int size() {
    return (int) Math.min(added, slots.length);
  }

  /** The i-th event held, 0 being the oldest. */
  private StreamEvent at(int i) {
    return slots[(int) ((added - size() + i) % slots.length)];
  }

  /** Where the event numbered {@code seq} is held (ids grow in the order added), or -1. */
  private int position(long seq) {
    int low = 0;
    int high = size() - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      long midSeq = at(mid).seq();
      if (midSeq < seq) low = mid + 1;
      else if (midSeq > seq) high = mid - 1;
      else return mid;
    }
    return -1;
  }
}
