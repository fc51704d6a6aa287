package io.brinjal.streaming;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The most recent events, for clients that reconnect with {@code Last-Event-ID} or
 * {@code resume_from}. Event-loop confined (the engine's loop). Sequence numbers are
 * contiguous, so the ring holds exactly the range [oldest, newest].
 */
final class EventRing {
  private final StreamEvent[] slots;
  private long newestSeq; // 0: empty
  private int size;

  EventRing(int capacity) {
    this.slots = new StreamEvent[Math.max(1, capacity)];
  }

  void add(StreamEvent event) {
    slots[(int) (event.seq() % slots.length)] = event;
    newestSeq = event.seq();
    size = Math.min(size + 1, slots.length);
  }

  /**
   * The events after {@code seq} that match, oldest first; null when some of them have
   * already left the ring (the caller falls back to a fresh snapshot).
   */
  List<StreamEvent> after(long seq, Predicate<StreamEvent> filter) {
    long oldest = newestSeq - size + 1;
    if (seq > newestSeq) return null; // a number this server never sent (it restarted): start afresh
    if (seq == newestSeq) return List.of();
    if (size == 0 || seq + 1 < oldest) return null;
    List<StreamEvent> out = new ArrayList<>();
    for (long s = Math.max(seq + 1, oldest); s <= newestSeq; s++) {
      StreamEvent e = slots[(int) (s % slots.length)];
      if (filter.test(e)) out.add(e);
    }
    return out;
  }
}
