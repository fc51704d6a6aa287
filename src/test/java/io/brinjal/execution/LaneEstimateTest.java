package io.brinjal.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brinjal.json.Json;
import io.brinjal.store.TaskState;
import io.brinjal.task.TaskControl;
import io.brinjal.task.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link Lane#estimatedStart} when the limit changed at run time (plain, loop-confined logic). */
class LaneEstimateTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private static Lane lane(int limit, long... startedSecondsAgo) {
    Lane lane = new Lane("pool", limit, 0, null);
    lane.recordRunTime(Duration.ofSeconds(10)); // every run takes 10 s
    int i = 0;
    for (long ago : startedSecondsAgo) {
      TaskState running = TaskState.newTask("t" + i++, "SleepTask", "pool", Json.object(), NOW.minusSeconds(60))
          .build().next().status(TaskStatus.RUNNING).startedAt(NOW.minusSeconds(ago)).build();
      lane.running.add(new LocalRun(running, null, lane, new TaskControl(running.id(), () -> {}, () -> Path.of("."))));
    }
    return lane;
  }

  @Test
  void withRoomTheNextStartsNowAndLaterOnesWhenPermitsFree() {
    Lane lane = lane(3, 8, 2); // ends in 2 s and 8 s; one permit free
    assertEquals(NOW, lane.estimatedStart(NOW, 1));
    assertEquals(NOW.plusSeconds(2), lane.estimatedStart(NOW, 2));
    assertEquals(NOW.plusSeconds(8), lane.estimatedStart(NOW, 3));
    assertEquals(NOW.plusSeconds(10), lane.estimatedStart(NOW, 4));
  }

  @Test
  void afterAShrinkAStartWaitsUntilFewerThanTheNewLimitRun() {
    Lane lane = lane(4, 9, 7, 5, 1); // ends in 1, 3, 5, 9 s
    lane.limit = 2; // shrunk while four run
    // the first start needs three of the four to end (then one runs, below 2)
    assertEquals(NOW.plusSeconds(5), lane.estimatedStart(NOW, 1));
    assertEquals(NOW.plusSeconds(9), lane.estimatedStart(NOW, 2));
    assertEquals(NOW.plusSeconds(15), lane.estimatedStart(NOW, 3)); // the first new one's permit again
  }

  @Test
  void afterAGrowthTheNewPermitsAreFreeAtOnce() {
    Lane lane = lane(1, 4); // ends in 6 s
    lane.limit = 3;
    assertEquals(NOW, lane.estimatedStart(NOW, 1));
    assertEquals(NOW, lane.estimatedStart(NOW, 2));
    assertEquals(NOW.plusSeconds(6), lane.estimatedStart(NOW, 3));
  }
}
