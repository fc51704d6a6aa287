package io.brinjal.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TaskIdsTest {
  @Test
  void idsAreVersion7UuidsCarryingTheirMillisecond() {
    long millis = 1_796_000_000_123L;
    UUID id = UUID.fromString(TaskIds.next(millis));
    assertEquals(7, id.version());
    assertEquals(2, id.variant()); // RFC 9562
    assertEquals(millis, id.getMostSignificantBits() >>> 16);
  }

  @Test
  void laterIdsSortAfterEarlierOnesAndNoneRepeats() {
    Set<String> seen = new HashSet<>();
    String previous = TaskIds.next(1_000L);
    for (long ms = 1_001L; ms < 3_000L; ms++) {
      String id = TaskIds.next(ms);
      assertTrue(id.compareTo(previous) > 0, id + " sorts after " + previous);
      assertTrue(seen.add(id));
      assertTrue(seen.add(TaskIds.next(ms)), "a second id in the same millisecond is another id");
      previous = id;
    }
  }
}
