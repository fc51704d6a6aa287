package io.brinjal.store;

import static io.brinjal.store.StoreTests.T0;
import static io.brinjal.store.StoreTests.await;
import static io.brinjal.store.StoreTests.failureOf;
import static io.brinjal.store.StoreTests.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.config.BrinjalConfig;
import io.brinjal.task.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract for stores whose tasks outlive the process: all of it survives a reopen. */
public abstract class DurableTaskStoreContract extends TaskStoreContract {

  /** A new store instance on the same place as the last {@link #newStore} (not opened yet). */
  protected abstract TaskStore reopenedStore(Vertx vertx, BrinjalConfig.Retention retention);

  private void reopen() {
    await(store.close());
    store = reopenedStore(vertx, retention());
    await(store.open());
  }

  @Test
  void everythingSurvivesAReopen() {
    TaskState queued = insert("single");
    TaskState running = claim("single", 1, 1).get(0);
    TaskState second = insert("single");
    TaskState other = insert("multiple");
    TaskState otherRunning = claim("multiple", 10, 1).get(0);
    Finished finished = finish(otherRunning, TaskStatus.DONE, T0.plusSeconds(4));
    await(store.saveSchedule("s1", schedule("s1", "@daily")));
    await(store.putMeta("k", "v"));

    reopen();

    assertEquals(running, await(store.get(queued.id())));
    assertEquals(second, await(store.get(second.id())));
    assertEquals(finished.task(), await(store.get(other.id())));
    assertEquals(List.of(second.id()), await(store.queued()).stream().map(QueuedTask::id).toList());
    assertEquals("@daily", await(store.schedules()).get(0).get("cron_expression").asText());
    assertEquals("v", await(store.meta("k")));
    assertEquals(List.of(), claim("single", 1, 1), "the running task still holds the permit after a reopen");
  }

  @Test
  void seqsAndEventIdsKeepGrowingAcrossReopens() {
    TaskState a = insert("single");
    await(store.delete(a.id()));
    long events = await(store.reserveEventIds(500));
    reopen();
    assertEquals(a.seq(), await(store.lastSeq()));
    assertTrue(insert("single").seq() > a.seq());
    assertTrue(await(store.reserveEventIds(1)) >= events + 500);
  }

  @Test
  void idempotencyKeysSurviveAReopen() {
    TaskState t = task("single").build();
    await(store.insertOnce(t, new IdempotencyKey("k", "sleep_task {}", t.id(), T0.plusSeconds(60)), T0));
    reopen();
    assertEquals(new IdempotencyKey("k", "sleep_task {}", t.id(), T0.plusSeconds(60)),
        await(store.idempotencyKey("k", T0.plusSeconds(1))));
  }

  @Test
  void scheduledTasksSurviveAReopenWithTheirTimeAndAttempts() {
    TaskState scheduled = insert(task("single").scheduledAt(T0.plusSeconds(30)).maxAttempts(4));
    reopen();
    assertEquals(scheduled, await(store.get(scheduled.id())));
    assertEquals(T0.plusSeconds(30), await(store.nextRunAt()));
    assertEquals(1, await(store.promoteDue(T0.plusSeconds(31), 10)).size());
  }

  @Test
  void closeStoresEveryWriteAskedForBeforeItAndRefusesLaterOnes() {
    List<Future<TaskState>> pending = new ArrayList<>();
    for (int i = 0; i < 300; i++) pending.add(store.insert(task("multiple").build()));
    Future<Void> closed = store.close();
    assertInstanceOf(StoreUnavailableException.class, failureOf(store.insert(task("multiple").build())));
    await(closed);
    for (Future<TaskState> f : pending) assertTrue(f.succeeded(), "completed before close: " + f.cause());
    assertInstanceOf(StoreUnavailableException.class, failureOf(store.get("x")));
    store = reopenedStore(vertx, retention());
    await(store.open());
    assertEquals(300L, await(store.countByStatus()).get(TaskStatus.QUEUED));
  }

}
