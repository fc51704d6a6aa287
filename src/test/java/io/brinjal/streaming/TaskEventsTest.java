package io.brinjal.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.loop.Loop;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class TaskEventsTest {

  /** Two nodes numbering their events from blocks of one shared store, taking turns. */
  @Test
  void nodesSharingAStoreNeverSendTheSameIdNorReplayFromTheOthersIds(Vertx vertx, VertxTestContext test) {
    AtomicLong storeCounter = new AtomicLong(1);
    LongFunction<Future<Long>> reserve = n -> Future.succeededFuture(storeCounter.getAndAdd(n));
    var context = vertx.getOrCreateContext();
    context.runOnContext(v -> test.verify(() -> {
      TaskEvents a = new TaskEvents(vertx.eventBus(), 1_000, Loop.of(context), reserve, 10);
      TaskEvents b = new TaskEvents(vertx.eventBus(), 1_000, Loop.of(context), reserve, 10);
      a.start(0);
      b.start(0);
      List<Long> idsOfA = new ArrayList<>();
      List<Long> idsOfB = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        a.removed("t" + i);
        idsOfA.add(a.currentSeqOnLoop());
        b.removed("t" + i);
        idsOfB.add(b.currentSeqOnLoop());
      }
      assertIncreasing(idsOfA);
      assertIncreasing(idsOfB);
      Set<Long> both = new HashSet<>(idsOfA);
      both.retainAll(new HashSet<>(idsOfB));
      assertEquals(Set.of(), both, "no id is sent by both nodes");
      assertTrue(idsOfA.get(99) - idsOfA.get(0) > 99, "a's ids jumped over b's blocks: " + idsOfA);

      // a client of b reconnects to a with b's id: a fresh snapshot, whatever a's ids look like
      for (long id : idsOfB) assertNull(a.allEventsAfterOnLoop(id), "b's id " + id + " replayed on a");
      // a's own ids replay exactly what came after them, across the jumps
      assertEquals(idsOfA.subList(51, 100), a.allEventsAfterOnLoop(idsOfA.get(50)).stream().map(StreamEvent::seq).toList());
      test.completeNow();
    }));
  }

  private static void assertIncreasing(List<Long> ids) {
    for (int i = 1; i < ids.size(); i++) assertTrue(ids.get(i) > ids.get(i - 1), "ids do not grow at " + i + ": " + ids);
  }
}
