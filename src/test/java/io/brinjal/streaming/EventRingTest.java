package io.brinjal.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventRingTest {
  /** A ring whose run starts at {@code first} and has published events first+1..first+events. */
  private static EventRing ringWith(int capacity, long first, int events) {
    EventRing ring = new EventRing(capacity, first);
    for (long seq = first + 1; seq <= first + events; seq++) ring.add(new StreamEvent(seq, StreamEvent.Kind.QUEUE, null, "{}"));
    return ring;
  }

  private static List<Long> seqs(List<StreamEvent> events) {
    return events.stream().map(StreamEvent::seq).toList();
  }

  @Test
  void replaysWhatCameAfterTheGivenSeq() {
    assertEquals(List.of(4L, 5L), seqs(ringWith(10, 0, 5).after(3, e -> true)));
    assertEquals(List.of(), ringWith(10, 0, 5).after(5, e -> true));
  }

  @Test
  void aSnapshotNumberedBeforeAnyEventReplaysEverythingOfThisRun() {
    assertEquals(List.of(1001L, 1002L), seqs(ringWith(10, 1000, 2).after(1000, e -> true)));
    assertEquals(List.of(), ringWith(10, 1000, 0).after(1000, e -> true));
  }

  @Test
  void aGapOlderThanTheRingIsNotReplayed() {
    EventRing ring = ringWith(3, 0, 10); // holds 8..10
    assertEquals(List.of(8L, 9L, 10L), seqs(ring.after(7, e -> true)));
    assertNull(ring.after(6, e -> true));
  }

  @Test
  void aSeqThisRunNeverSentMeansStartAfresh() {
    assertNull(ringWith(10, 0, 5).after(42, e -> true), "this server never sent 42");
    assertNull(ringWith(10, 0, 0).after(1, e -> true));
  }

  @Test
  void aSeqFromAnEarlierRunMeansStartAfreshEvenIfItLooksContiguous() {
    // the previous run used ids up to 999_999; this one starts at 1_000_000
    EventRing ring = ringWith(10, 1_000_000, 3);
    assertNull(ring.after(999_999, e -> true));
    assertNull(ring.after(5, e -> true));
  }

  @Test
  void idsWithGapsReplayFromAnIdThisServerSentAndNeverFromOneInAGap() {
    // this node's blocks: 100..109, then 130..139 (another node took 110..129); 101..104 left
    EventRing ring = new EventRing(7, 100);
    for (long seq : new long[] {101, 102, 103, 104, 105, 106, 107, 108, 109, 130, 131}) {
      ring.add(new StreamEvent(seq, StreamEvent.Kind.QUEUE, null, "{}"));
    }
    assertEquals(List.of(105L, 106L, 107L, 108L, 109L, 130L, 131L), seqs(ring.after(104, e -> true)));
    assertEquals(List.of(109L, 130L, 131L), seqs(ring.after(108, e -> true)));
    assertEquals(List.of(131L), seqs(ring.after(130, e -> true)));
    assertEquals(List.of(), ring.after(131, e -> true));
    assertNull(ring.after(115, e -> true), "115 is another node's: it says nothing about what this node sent");
    assertNull(ring.after(120, e -> true));
    assertNull(ring.after(100, e -> true), "the run's first events (101..104) have left the ring");
    assertNull(ring.after(103, e -> true));
  }
}
