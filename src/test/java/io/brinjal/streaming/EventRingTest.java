package io.brinjal.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventRingTest {
  private static EventRing ringWith(int capacity, int events) {
    EventRing ring = new EventRing(capacity);
    for (long seq = 1; seq <= events; seq++) ring.add(new StreamEvent(seq, StreamEvent.Kind.QUEUE, null, "{}"));
    return ring;
  }

  private static List<Long> seqs(List<StreamEvent> events) {
    return events.stream().map(StreamEvent::seq).toList();
  }

  @Test
  void replaysWhatCameAfterTheGivenSeq() {
    assertEquals(List.of(4L, 5L), seqs(ringWith(10, 5).after(3, e -> true)));
    assertEquals(List.of(), ringWith(10, 5).after(5, e -> true));
  }

  @Test
  void aGapOlderThanTheRingIsNotReplayed() {
    EventRing ring = ringWith(3, 10); // holds 8..10
    assertEquals(List.of(8L, 9L, 10L), seqs(ring.after(7, e -> true)));
    assertNull(ring.after(6, e -> true));
  }

  @Test
  void aSeqFromBeforeARestartMeansStartAfresh() {
    assertNull(ringWith(10, 5).after(42, e -> true), "this server never sent 42");
    assertNull(ringWith(10, 0).after(1, e -> true));
  }
}
