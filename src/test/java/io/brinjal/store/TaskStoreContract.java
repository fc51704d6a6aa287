package io.brinjal.store;

import static io.brinjal.store.StoreTests.T0;
import static io.brinjal.store.StoreTests.await;
import static io.brinjal.store.StoreTests.failureOf;
import static io.brinjal.store.StoreTests.finished;
import static io.brinjal.store.StoreTests.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.json.Json;
import io.brinjal.task.TaskStatus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every {@link TaskStore} must do, whatever holds the tasks: one suite that the memory,
 * SQLite and PostgreSQL stores each run by extending it. Calls come from the JUnit thread (not
 * a Vert.x thread), where awaiting a future is allowed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class TaskStoreContract {
  protected Vertx vertx;
  protected TaskStore store;

  /** A new, empty store (not opened yet) with this retention. */
  protected abstract TaskStore newStore(Vertx vertx, BrinjalConfig.Retention retention);

  protected BrinjalConfig.Retention retention() {
    return new BrinjalConfig.Retention(1000, 1000);
  }

  @BeforeEach
  void openStore(Vertx vertx) {
    this.vertx = vertx;
    store = newStore(vertx, retention());
    await(store.open());
  }

  @AfterEach
  void closeStore() {
    if (store != null) await(store.close());
  }

  protected TaskState insert(String semaphore) {
    return await(store.insert(task(semaphore).build()));
  }

  protected TaskState insert(TaskState.Builder builder) {
    return await(store.insert(builder.build()));
  }

  protected Finished finish(TaskState running, TaskStatus status, Instant at) {
    return await(store.finish(running.next().status(status).completedAt(at).owner(null).build()));
  }

  protected List<TaskState> claim(String semaphore, int limit, int max) {
    return await(store.claim(semaphore, limit, max, "node-a", T0.plusSeconds(1)));
  }

  // ---------------------------------------------------------------- insert and read

  @Test
  void insertAssignsGrowingSeqsAndVersionOne() {
    TaskState a = insert("single");
    TaskState b = insert("single");
    assertEquals(1, a.version());
    assertEquals(1, b.version());
    assertTrue(a.seq() > 0);
    assertTrue(b.seq() > a.seq());
    assertEquals(TaskStatus.QUEUED, a.status());
  }

  @Test
  void everyFieldComesBackAsStored() {
    ObjectNode params = Json.object();
    params.put("text", "with \"quotes\", ünïcödé and\nnewlines");
    params.putArray("list").add(1).add(2.5).add(true);
    ObjectNode results = Json.object();
    results.put("answer", 42);
    TaskState inserted = insert(TaskState.newTask(UUID.randomUUID().toString(), "ExampleCPUTask", "single", params, T0)
        .parentId("recurring-1").runTimeoutMillis(1500L).priority(7));
    TaskState running = claim("single", 1, 1).get(0);
    TaskState changed = running.next().progress(42).heading("Heading").body("Body").img("data:image/png;base64,AA==")
        .results(results).abandoned(true).build();
    await(store.update(changed));
    TaskState failed = changed.next().status(TaskStatus.FAILED).completedAt(T0.plusMillis(2500))
        .error("IllegalStateException", "broke", "java.lang.IllegalStateException: broke\n\tat X.y(X.java:1)\n").build();
    await(store.finish(failed));

    TaskState read = await(store.get(inserted.id()));
    assertEquals(failed, read);
    assertEquals("recurring-1", read.parentId());
    assertEquals(1500L, read.runTimeoutMillis());
    assertEquals(7, read.priority());
    assertEquals(params, read.params());
    assertEquals(results, read.results());
    assertEquals(T0, read.createdAt());
    assertEquals(T0.plusSeconds(1), read.startedAt());
    assertEquals("node-a", read.owner());
    assertEquals(1, read.attempt());
  }

  @Test
  void anUnknownIdReadsAsNull() {
    assertNull(await(store.get("no-such-task")));
  }

  @Test
  void insertRefusesADuplicateIdOrATaskThatIsNotQueued() {
    TaskState a = insert("single");
    assertInstanceOf(IllegalArgumentException.class, failureOf(store.insert(a.toBuilder().seq(0).version(0).build())));
    assertInstanceOf(IllegalArgumentException.class,
        failureOf(store.insert(task("single").status(TaskStatus.RUNNING).build())));
    assertEquals(1L, await(store.countByStatus()).get(TaskStatus.QUEUED));
  }

  // ---------------------------------------------------------------- idempotency keys

  private static IdempotencyKey key(String key, String fingerprint, TaskState task, Instant expiresAt) {
    return new IdempotencyKey(key, fingerprint, task.id(), expiresAt);
  }

  @Test
  void aKeyStoresOneTaskAndAnswersItsEarlierUseUntilItExpires() {
    TaskState first = task("single").build();
    KeyedInsert stored = await(store.insertOnce(first, key("k-1", "sleep_task {}", first, T0.plusSeconds(60)), T0));
    assertEquals(first.id(), stored.inserted().id());
    assertEquals(1, stored.inserted().version());
    assertNull(stored.earlier());

    TaskState second = task("single").build();
    KeyedInsert again = await(store.insertOnce(second, key("k-1", "other", second, T0.plusSeconds(90)), T0.plusSeconds(30)));
    assertNull(again.inserted());
    assertEquals(new IdempotencyKey("k-1", "sleep_task {}", first.id(), T0.plusSeconds(60)), again.earlier());
    assertNull(await(store.get(second.id())), "a key in use stores nothing");
    assertEquals(first.id(), await(store.idempotencyKey("k-1", T0.plusSeconds(59))).taskId());

    assertNull(await(store.idempotencyKey("k-1", T0.plusSeconds(60))), "expired at its time");
    assertNull(await(store.idempotencyKey("k-2", T0)));
    TaskState third = task("single").build();
    KeyedInsert renewed = await(store.insertOnce(third, key("k-1", "other", third, T0.plusSeconds(120)), T0.plusSeconds(60)));
    assertEquals(third.id(), renewed.inserted().id(), "an expired key is taken anew");
    assertEquals(third.id(), await(store.idempotencyKey("k-1", T0.plusSeconds(61))).taskId());
    assertEquals(first.id(), await(store.get(first.id())).id(), "the earlier task stays");
  }

  @Test
  void oneKeyAskedForAtTheSameMomentStoresOneTask() {
    List<TaskState> tasks = new ArrayList<>();
    List<Future<KeyedInsert>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      TaskState t = task("single").build();
      tasks.add(t);
      answers.add(store.insertOnce(t, key("same", "f", t, T0.plusSeconds(60)), T0));
    }
    List<String> inserted = new ArrayList<>();
    List<String> pointedTo = new ArrayList<>();
    for (Future<KeyedInsert> a : answers) {
      KeyedInsert r = await(a);
      if (r.inserted() != null) inserted.add(r.inserted().id());
      else pointedTo.add(r.earlier().taskId());
    }
    assertEquals(1, inserted.size(), "one task stored");
    assertEquals(List.of(), pointedTo.stream().filter(id -> !id.equals(inserted.get(0))).toList());
    assertEquals(1, tasks.stream().filter(t -> await(store.get(t.id())) != null).count());
  }

  @Test
  void expiredKeysAreRemovedByLaterInsertsAndAFailedInsertLeavesNoKey() {
    TaskState old = task("single").build();
    await(store.insertOnce(old, key("old", "f", old, T0.plusSeconds(1)), T0));
    TaskState clash = TaskState.newTask(old.id(), "SleepTask", "single", old.params(), T0).build();
    assertInstanceOf(IllegalArgumentException.class,
        failureOf(store.insertOnce(clash, key("fresh", "f", clash, T0.plusSeconds(60)), T0)));
    assertNull(await(store.idempotencyKey("fresh", T0)), "the task was refused, so the key was not taken");

    TaskState later = task("single").build();
    await(store.insertOnce(later, key("later", "f", later, T0.plusSeconds(600)), T0.plusSeconds(5)));
    // the old key is gone, not only expired: taking it anew at a time before its expiry works
    TaskState reuse = task("single").build();
    assertEquals(reuse.id(), await(store.insertOnce(reuse, key("old", "f", reuse, T0.plusSeconds(9)), T0)).inserted().id());
  }

  // ---------------------------------------------------------------- claims

  @Test
  void claimTakesTheOldestUpToTheLimitAndMarksThemRunning() {
    List<TaskState> queued = new ArrayList<>();
    for (int i = 0; i < 5; i++) queued.add(insert("default"));

    List<TaskState> claimed = claim("default", 3, 2);
    assertEquals(List.of(queued.get(0).id(), queued.get(1).id()), ids(claimed));
    for (TaskState t : claimed) {
      assertEquals(TaskStatus.RUNNING, t.status());
      assertEquals("node-a", t.owner());
      assertEquals(T0.plusSeconds(1), t.startedAt());
      assertEquals(1, t.attempt());
      assertEquals(2, t.version());
      assertEquals(t, await(store.get(t.id())));
    }
    assertEquals(List.of(queued.get(2).id()), ids(claim("default", 3, 10)), "only up to the limit of 3");
    assertEquals(List.of(), claim("default", 3, 10));

    finish(claimed.get(0), TaskStatus.DONE, T0.plusSeconds(2));
    assertEquals(List.of(queued.get(3).id()), ids(claim("default", 3, 10)), "a finished task frees its permit");
  }

  // ---------------------------------------------------------------- several semaphores, per-key limits

  private static final PermitLimits GPU_AND_SINGLE =
      new PermitLimits(Map.of("default", 10, "gpu", 1, "single", 1), Map.of(), true);

  private List<TaskState> claim(String semaphore, PermitLimits limits, int max) {
    return await(store.claim(semaphore, limits, max, "node-a", T0.plusSeconds(1)));
  }

  @Test
  void aTaskWithSeveralSemaphoresTakesAPermitOfEachAllAtOnceOrNone() {
    TaskState gpuJob = insert(task("single").extraSemaphores(List.of("gpu")));
    assertEquals(List.of("gpu"), gpuJob.extraSemaphores());
    assertEquals(gpuJob, await(store.get(gpuJob.id())));
    TaskState cpuJob = insert("single");
    TaskState holdsGpu = insert("gpu");

    assertEquals(List.of(holdsGpu.id()), ids(claim("gpu", GPU_AND_SINGLE, 10)));
    // the gpu is taken: the two-semaphore task is passed over, never given 'single' alone, and
    // does not hold up the one behind it that needs only 'single'
    assertEquals(List.of(cpuJob.id()), ids(claim("single", GPU_AND_SINGLE, 10)));
    assertEquals(List.of(), claim("single", GPU_AND_SINGLE, 10));
    finish(await(store.get(cpuJob.id())), TaskStatus.DONE, T0.plusSeconds(2));
    assertEquals(List.of(), claim("single", GPU_AND_SINGLE, 10), "single is free, the gpu is not");
    finish(await(store.get(holdsGpu.id())), TaskStatus.DONE, T0.plusSeconds(2));
    TaskState running = claim("single", GPU_AND_SINGLE, 10).get(0);
    assertEquals(gpuJob.id(), running.id());

    // it holds the gpu too: a plain claim of 'gpu' counts it (even one that knows of no such task)
    insert("gpu");
    assertEquals(List.of(), claim("gpu", 1, 10));
    assertEquals(List.of(), claim("gpu", GPU_AND_SINGLE, 10));
    finish(running, TaskStatus.DONE, T0.plusSeconds(3));
    assertEquals(1, claim("gpu", 1, 10).size(), "both permits came free with its end");
  }

  @Test
  void aPlainClaimLeavesTasksWithSeveralSemaphoresToACheckedOne() {
    TaskState both = insert(task("single").extraSemaphores(List.of("gpu")));
    assertEquals(List.of(), claim("single", 1, 10), "a claim that does not count the gpu cannot take it");
    assertEquals(List.of(both.id()), ids(claim("single", GPU_AND_SINGLE, 10)));
  }

  @Test
  void perKeyLimitsCapEachKeyAndWaitingKeysTakeTurns() {
    PermitLimits twoPerKey = new PermitLimits(Map.of("multiple", 10), Map.of("multiple", 2), false);
    List<TaskState> heavy = new ArrayList<>();
    for (int i = 0; i < 6; i++) heavy.add(insert(task("multiple").concurrencyKey("tenant-a")));
    TaskState light = insert(task("multiple").concurrencyKey("tenant-b"));
    TaskState keyless = insert("multiple");
    assertEquals("tenant-b", await(store.get(light.id())).concurrencyKey());

    List<TaskState> first = claim("multiple", twoPerKey, 3);
    assertEquals(List.of(heavy.get(0).id(), light.id(), heavy.get(1).id()), ids(first),
        "the late key's first task takes its turn right after the head of the line");
    List<TaskState> next = claim("multiple", twoPerKey, 10);
    assertEquals(List.of(keyless.id()), ids(next), "tenant-a holds its 2: only the task without a key fits");
    finish(first.get(0), TaskStatus.DONE, T0.plusSeconds(2));
    assertEquals(List.of(heavy.get(2).id()), ids(claim("multiple", twoPerKey, 10)), "one of tenant-a's ended: one more");

    // without a per-key limit the keys still take turns, and nothing is capped
    TaskState c1 = insert(task("default").concurrencyKey("c"));
    TaskState c2 = insert(task("default").concurrencyKey("c"));
    TaskState d1 = insert(task("default").concurrencyKey("d"));
    assertEquals(List.of(c1.id(), d1.id(), c2.id()), ids(claim("default", 10, 10)));
  }

  @Test
  void aKeyThatArrivesLateJoinsTheCurrentRoundNotTheBack() {
    PermitLimits onePerKey = new PermitLimits(Map.of("multiple", 1), Map.of("multiple", 1), false);
    for (int i = 0; i < 50; i++) insert(task("multiple").concurrencyKey("big"));
    List<TaskState> started = claim("multiple", onePerKey, 1);
    finish(started.get(0), TaskStatus.DONE, T0.plusSeconds(2));
    started = claim("multiple", onePerKey, 1);
    TaskState late = insert(task("multiple").concurrencyKey("late"));
    finish(started.get(0), TaskStatus.DONE, T0.plusSeconds(3));
    TaskState head = claim("multiple", onePerKey, 1).get(0);
    assertEquals("big", head.concurrencyKey(), "the head of the line keeps its place");
    finish(head, TaskStatus.DONE, T0.plusSeconds(4));
    assertEquals(List.of(late.id()), ids(claim("multiple", onePerKey, 1)),
        "then the late key's task, not the big key's 47 others");
  }

  // ---------------------------------------------------------------- scheduled tasks

  @Test
  void aScheduledTaskWaitsForItsTimeThenQueuesInItsPlace() {
    TaskState early = insert(task("default").scheduledAt(T0.plusSeconds(10)).maxAttempts(3));
    TaskState later = insert(task("default").scheduledAt(T0.plusSeconds(20)));
    TaskState queued = insert("default");
    assertEquals(TaskStatus.SCHEDULED, early.status());
    assertEquals(early, await(store.get(early.id())));
    assertEquals(3, await(store.get(early.id())).maxAttempts());
    assertEquals(List.of(queued.id()), await(store.queued()).stream().map(QueuedTask::id).toList(),
        "a scheduled task is not in any waiting line");
    assertEquals(T0.plusSeconds(10), await(store.nextRunAt()));
    assertEquals(List.of(queued.id()), ids(claim("default", 10, 10)), "nor is it claimed");
    assertEquals(List.of(), await(store.promoteDue(T0.plusMillis(9999), 10)));

    List<TaskState> promoted = await(store.promoteDue(T0.plusSeconds(10), 10));
    assertEquals(List.of(early.id()), ids(promoted));
    TaskState p = promoted.get(0);
    assertEquals(TaskStatus.QUEUED, p.status());
    assertNull(p.runAt());
    assertEquals(early.version() + 1, p.version());
    assertEquals(early.seq(), p.seq(), "it keeps its place by creation");
    assertEquals(p, await(store.get(early.id())));
    assertEquals(T0.plusSeconds(20), await(store.nextRunAt()));
    TaskState running = claim("default", 10, 10).get(0);
    assertEquals(early.id(), running.id());
    assertEquals(1, running.attempt());
    assertEquals(3, running.maxAttempts());

    assertEquals(List.of(later.id()), ids(await(store.promoteDue(T0.plusSeconds(3600), 10))));
    assertNull(await(store.nextRunAt()));
    assertEquals(Map.of(TaskStatus.RUNNING, 2L, TaskStatus.QUEUED, 1L), await(store.countByStatus()));
  }

  @Test
  void promotionTakesTheEarliestFirstUpToItsMax() {
    List<TaskState> scheduled = new ArrayList<>();
    for (int i = 5; i > 0; i--) scheduled.add(insert(task("single").scheduledAt(T0.plusSeconds(i))));
    assertEquals(Set.of(scheduled.get(4).id(), scheduled.get(3).id()),
        Set.copyOf(ids(await(store.promoteDue(T0.plusSeconds(60), 2)))), "the two earliest run_at");
    assertEquals(3, await(store.promoteDue(T0.plusSeconds(60), 10)).size());
    assertEquals(List.of(), await(store.promoteDue(T0.plusSeconds(60), 10)));
  }

  @Test
  void aFailedAttemptGoesBackToScheduledAndRunsAgainAsTheNextAttempt() {
    insert(task("single").maxAttempts(2));
    TaskState first = claim("single", 1, 1).get(0);
    TaskState retry = first.next().scheduledAt(T0.plusSeconds(5)).owner(null)
        .error("IOException", "flaky", "trace").build();
    await(store.update(retry));
    assertEquals(retry, await(store.get(first.id())));
    assertEquals(List.of(), claim("single", 1, 1), "its permit is free, and it waits for its time");
    assertEquals(List.of(first.id()), ids(await(store.promoteDue(T0.plusSeconds(5), 10))));
    TaskState second = claim("single", 1, 1).get(0);
    assertEquals(2, second.attempt());
    assertEquals("flaky", second.errorMessage(), "the last failure shows until the task ends");
  }

  @Test
  void aScheduledTaskCanBeCancelledOrDeleted() {
    TaskState a = insert(task("default").scheduledAt(T0.plusSeconds(10)));
    TaskState b = insert(task("default").scheduledAt(T0.plusSeconds(10)));
    await(store.finish(a.next().status(TaskStatus.CANCELLED).completedAt(T0.plusSeconds(1)).build()));
    assertEquals(TaskStatus.CANCELLED, await(store.get(a.id())).status());
    assertNull(await(store.get(a.id())).runAt());
    assertEquals(b, await(store.delete(b.id())));
    assertNull(await(store.nextRunAt()));
    assertEquals(List.of(), await(store.promoteDue(T0.plusSeconds(60), 10)));
  }

  @Test
  void higherPriorityIsClaimedFirstAndEqualPrioritiesKeepTheirOrder() {
    TaskState low = insert(task("single").priority(-5));
    TaskState plainA = insert("single");
    TaskState high = insert(task("single").priority(10));
    TaskState plainB = insert("single");
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      TaskState next = claim("single", 1, 1).get(0);
      order.add(next.id());
      finish(next, TaskStatus.DONE, T0.plusSeconds(i + 2));
    }
    assertEquals(List.of(high.id(), plainA.id(), plainB.id(), low.id()), order);
  }

  @Test
  void aCancellingTaskStillHoldsItsPermit() {
    insert("single");
    insert("single");
    TaskState running = claim("single", 1, 1).get(0);
    await(store.update(running.next().status(TaskStatus.CANCELLING).cancelRequested(true).build()));
    assertEquals(List.of(), claim("single", 1, 1));
  }

  @Test
  void aFullSemaphoreDoesNotHoldUpAnother() {
    insert("single");
    insert("single");
    TaskState other = insert("multiple");
    assertEquals(1, claim("single", 1, 5).size());
    assertEquals(List.of(), claim("single", 1, 5));
    assertEquals(List.of(other.id()), ids(claim("multiple", 10, 5)));
  }

  @Test
  void concurrentClaimsNeverExceedTheLimit() {
    for (int i = 0; i < 60; i++) insert("default");
    List<Future<List<TaskState>>> claims = new ArrayList<>();
    for (int i = 0; i < 24; i++) claims.add(store.claim("default", 3, 2, "node-" + i, T0));
    int claimed = 0;
    for (Future<List<TaskState>> f : claims) claimed += await(f).size();
    assertEquals(3, claimed);
    assertEquals(3, await(store.countByStatus()).get(TaskStatus.RUNNING));
  }

  // ---------------------------------------------------------------- versioned writes

  @Test
  void aWriteNamingAnOldVersionFailsAndChangesNothing() {
    TaskState queued = insert("single");
    TaskState running = claim("single", 1, 1).get(0);
    Throwable stale = failureOf(store.update(queued.next().heading("stale writer").build()));
    StaleStateException e = assertInstanceOf(StaleStateException.class, stale);
    assertEquals(running, e.current());
    assertEquals(running, await(store.get(queued.id())));

    Throwable staleFinish = failureOf(store.finish(queued.next().status(TaskStatus.CANCELLED).completedAt(T0).build()));
    assertInstanceOf(StaleStateException.class, staleFinish);
    assertEquals(TaskStatus.RUNNING, await(store.get(queued.id())).status());
  }

  @Test
  void aWriteToADeletedTaskFailsAsStaleWithNoCurrentState() {
    TaskState queued = insert("single");
    await(store.delete(queued.id()));
    StaleStateException e = assertInstanceOf(StaleStateException.class,
        failureOf(store.update(queued.next().heading("late").build())));
    assertNull(e.current());
    assertNull(await(store.get(queued.id())));
  }

  @Test
  void updateTakesNoTerminalStateAndFinishTakesNothingElse() {
    TaskState queued = insert("single");
    assertInstanceOf(IllegalArgumentException.class,
        failureOf(store.update(queued.next().status(TaskStatus.DONE).completedAt(T0).build())));
    assertInstanceOf(IllegalArgumentException.class, failureOf(store.finish(queued.next().heading("x").build())));
    assertEquals(queued, await(store.get(queued.id())));
  }

  @Test
  void successiveWritesEachNameThePreviousVersion() {
    TaskState t = claim0(insert("multiple"));
    for (int i = 1; i <= 5; i++) {
      TaskState next = t.next().progress(i * 10).build();
      assertEquals(next, await(store.update(next)));
      t = next;
    }
    assertEquals(7, await(store.get(t.id())).version());
    assertEquals(50, await(store.get(t.id())).progress());
  }

  private TaskState claim0(TaskState queued) {
    TaskState running = claim(queued.semaphore(), 100, 1).get(0);
    assertEquals(queued.id(), running.id());
    return running;
  }

  // ---------------------------------------------------------------- retention

  @Test
  void finishingPrunesTheOldestFinishedTasksBeyondTheRetentionOfEachKind() {
    TaskStore small = newStore(vertx, new BrinjalConfig.Retention(2, 1));
    await(small.open());
    TaskStore big = store;
    store = small;
    try {
      List<TaskState> done = new ArrayList<>();
      for (int i = 0; i < 4; i++) done.add(insert("multiple"));
      TaskState failedOld = insert("multiple");
      TaskState cancelledNew = insert("multiple");
      TaskState stillRunning = claim0(insert("single"));
      TaskState stillQueued = insert("single");
      List<TaskState> running = claim("multiple", 10, 10);
      assertEquals(6, running.size());

      List<String> pruned = new ArrayList<>();
      for (int i = 0; i < 4; i++) pruned.addAll(finish(running.get(i), TaskStatus.DONE, T0.plusSeconds(10 + i)).pruned());
      assertEquals(List.of(done.get(0).id(), done.get(1).id()), pruned, "done: the newest 2 stay");
      assertEquals(List.of(), finish(running.get(4), TaskStatus.FAILED, T0.plusSeconds(20)).pruned());
      assertEquals(List.of(failedOld.id()), finish(running.get(5), TaskStatus.CANCELLED, T0.plusSeconds(21)).pruned(),
          "failed and cancelled share one limit");

      Set<String> left = Set.copyOf(ids(await(store.list(TaskQuery.all(100))).tasks()));
      assertEquals(Set.of(done.get(2).id(), done.get(3).id(), cancelledNew.id(), stillQueued.id(), stillRunning.id()), left);
    } finally {
      store = big;
      await(small.close());
    }
  }

  // ---------------------------------------------------------------- listing and search

  @Test
  void listPagesOldestFirstWithACursorAStatusFilterAndAnUpperBound() {
    List<TaskState> all = new ArrayList<>();
    for (int i = 0; i < 7; i++) all.add(insert("multiple"));
    TaskState running = claim("multiple", 10, 2).get(1);

    TaskPage first = await(store.list(TaskQuery.all(3)));
    assertEquals(ids(all.subList(0, 3)), ids(first.tasks()));
    assertTrue(first.more());
    TaskPage second = await(store.list(TaskQuery.all(3).after(first.lastSeq())));
    assertEquals(ids(all.subList(3, 6)), ids(second.tasks()));
    TaskPage third = await(store.list(TaskQuery.all(3).after(second.lastSeq())));
    assertEquals(ids(all.subList(6, 7)), ids(third.tasks()));
    assertFalse(third.more());

    TaskPage queuedOnly = await(store.list(new TaskQuery(Set.of(TaskStatus.QUEUED), 0, Long.MAX_VALUE, 100)));
    assertEquals(5, queuedOnly.tasks().size());
    TaskPage runningOnly = await(store.list(new TaskQuery(Set.of(TaskStatus.RUNNING), 0, Long.MAX_VALUE, 100)));
    assertEquals(2, runningOnly.tasks().size());
    assertEquals(running.id(), runningOnly.tasks().get(1).id());

    TaskPage bounded = await(store.list(new TaskQuery(Set.of(), 0, all.get(3).seq(), 100)));
    assertEquals(ids(all.subList(0, 4)), ids(bounded.tasks()));
    assertFalse(bounded.more());
  }

  @Test
  void searchMatchesFieldsAndParametersExactlyWithAnd() {
    ObjectNode p1 = Json.object().put("sleep_time", 1).put("name", "x");
    ObjectNode p2 = Json.object().put("sleep_time", 0.25).put("name", "y");
    TaskState a = insert(TaskState.newTask(UUID.randomUUID().toString(), "SleepTask", "single", p1, T0));
    TaskState b = insert(TaskState.newTask(UUID.randomUUID().toString(), "SleepTask", "multiple", p2, T0));
    TaskState c = insert(TaskState.newTask(UUID.randomUUID().toString(), "NoopTask", "multiple", Json.object(), T0)
        .parentId("sched-1"));

    assertEquals(List.of(a.id(), b.id()), search("{\"task_type\":\"SleepTask\"}"));
    assertEquals(List.of(a.id()), search("{\"sleep_time\":1.0}"), "1 and 1.0 are the same number");
    assertEquals(List.of(b.id()), search("{\"task_type\":\"SleepTask\",\"semaphore_name\":\"multiple\"}"));
    assertEquals(List.of(c.id()), search("{\"parent_id\":\"sched-1\"}"));
    assertEquals(List.of(a.id(), b.id(), c.id()), search("{\"status\":\"queued\"}"));
    assertEquals(List.of(b.id()), search("{\"task_id\":\"" + b.id() + "\"}"));
    assertEquals(List.of(), search("{\"no_such_attribute\":1}"));
    assertEquals(List.of(), search("{\"status\":\"queued\",\"task_type\":\"Nope\"}"));
    assertEquals(List.of(), search("{}"));
    assertEquals(List.of(a.id(), b.id(), c.id()), search("{\"progress\":0}"));
  }

  private List<String> search(String criteria) {
    try {
      return await(store.search(TaskCriteria.of((ObjectNode) Json.MAPPER.readTree(criteria))));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void countsByStatus() {
    insert("single");
    insert("single");
    TaskState r = claim("single", 1, 1).get(0);
    finish(r, TaskStatus.DONE, T0.plusSeconds(3));
    insert("multiple");
    Map<TaskStatus, Long> counts = await(store.countByStatus());
    assertEquals(2L, counts.get(TaskStatus.QUEUED));
    assertEquals(1L, counts.get(TaskStatus.DONE));
    assertEquals(0L, counts.getOrDefault(TaskStatus.RUNNING, 0L));
  }

  @Test
  void queuedListsTheWaitingTasksInClaimOrder() {
    TaskState a = insert("single");
    TaskState b = insert(task("multiple").priority(3));
    TaskState c = insert("single");
    claim0(insert("default"));
    List<QueuedTask> queued = await(store.queued());
    assertEquals(List.of(b.id(), a.id(), c.id()), queued.stream().map(QueuedTask::id).toList());
    assertEquals(new QueuedTask(b.id(), "multiple", 3, b.seq(), null, false, false), queued.get(0));
  }

  // ---------------------------------------------------------------- deletes

  @Test
  void deleteAnswersWhatTheTaskWasAndForgetsIt() {
    TaskState a = insert("single");
    TaskState running = claim("single", 1, 1).get(0);
    assertEquals(running, await(store.delete(a.id())));
    assertNull(await(store.get(a.id())));
    assertNull(await(store.delete(a.id())));
    assertEquals(0L, await(store.countByStatus()).getOrDefault(TaskStatus.RUNNING, 0L));
    TaskState b = insert("single");
    assertEquals(List.of(b.id()), ids(claim("single", 1, 1)), "the deleted task's permit is free again");
  }

  @Test
  void deleteFinishedRemovesOnlyFinishedTasksOldestFirstInBatches() {
    List<TaskState> running = new ArrayList<>();
    for (int i = 0; i < 5; i++) running.add(claim0(insert("multiple")));
    TaskState queued = insert("multiple");
    finish(running.get(0), TaskStatus.DONE, T0.plusSeconds(5));
    finish(running.get(1), TaskStatus.FAILED, T0.plusSeconds(6));
    finish(running.get(2), TaskStatus.CANCELLED, T0.plusSeconds(7));

    assertEquals(List.of(running.get(0).id(), running.get(1).id()), await(store.deleteFinished(2)));
    assertEquals(List.of(running.get(2).id()), await(store.deleteFinished(2)));
    assertEquals(List.of(), await(store.deleteFinished(2)));
    Set<String> left = Set.copyOf(ids(await(store.list(TaskQuery.all(100))).tasks()));
    assertEquals(Set.of(running.get(3).id(), running.get(4).id(), queued.id()), left);
  }

  @Test
  void seqsAreNeverReusedAfterDeletes() {
    assertEquals(0L, await(store.lastSeq()));
    TaskState a = insert("single");
    TaskState b = insert("single");
    await(store.delete(b.id()));
    await(store.delete(a.id()));
    assertEquals(b.seq(), await(store.lastSeq()), "the last seq assigned, though that task is gone");
    assertTrue(insert("single").seq() > b.seq());
  }

  // ---------------------------------------------------------------- recovery

  @Test
  void recoverReplacesEveryTaskHoldingAPermitOfTheOwnerInOneWrite() {
    TaskState queued = insert("single");
    TaskState a = claim0(insert("multiple"));
    TaskState b = claim0(insert("multiple"));
    await(store.update(b.next().status(TaskStatus.CANCELLING).cancelRequested(true).build()));
    TaskState c = insert("default");
    TaskState elsewhere = await(store.claim("default", 3, 1, "node-b", T0)).get(0);

    List<TaskState> recovered = await(store.recover("node-a", t -> t.id().equals(a.id())
        ? t.next().status(TaskStatus.QUEUED).owner(null).startedAt(null).build()
        : t.next().status(TaskStatus.FAILED).completedAt(T0.plusSeconds(9)).owner(null)
            .error("Interrupted", "the server stopped while this task ran", null).build()));

    assertEquals(Set.of(a.id(), b.id()), Set.copyOf(ids(recovered)));
    assertEquals(TaskStatus.QUEUED, await(store.get(a.id())).status());
    assertEquals(TaskStatus.FAILED, await(store.get(b.id())).status());
    assertEquals("Interrupted", await(store.get(b.id())).errorType());
    assertEquals(queued, await(store.get(queued.id())), "queued tasks are left alone");
    assertEquals(elsewhere, await(store.get(c.id())), "another owner's task is left alone");
    TaskState again = claim("multiple", 10, 5).get(0);
    assertEquals(a.id(), again.id());
    assertEquals(2, again.attempt(), "a re-run is a new attempt");
  }

  @Test
  void recoverWithoutAnOwnerTakesEveryNode() {
    TaskState a = claim0(insert("multiple"));
    insert("default");
    TaskState b = await(store.claim("default", 3, 1, "node-b", T0)).get(0);
    List<TaskState> recovered = await(store.recover(null, t -> t.next().status(TaskStatus.FAILED)
        .completedAt(T0.plusSeconds(9)).owner(null).error("Interrupted", "stopped", null).build()));
    assertEquals(Set.of(a.id(), b.id()), Set.copyOf(ids(recovered)));
    assertEquals(0L, await(store.countByStatus()).getOrDefault(TaskStatus.RUNNING, 0L));
  }

  // ---------------------------------------------------------------- event ids, schedules, meta

  @Test
  void eventIdBlocksNeverOverlap() {
    long first = await(store.reserveEventIds(1000));
    long second = await(store.reserveEventIds(10));
    long third = await(store.reserveEventIds(1));
    assertTrue(first >= 1);
    assertTrue(second >= first + 1000);
    assertTrue(third >= second + 10);
  }

  @Test
  void schedulesAreKeptInTheOrderTheyWereFirstSaved() {
    await(store.saveSchedule("s1", schedule("s1", "*/5 * * * *")));
    await(store.saveSchedule("s2", schedule("s2", "@daily")));
    await(store.saveSchedule("s1", schedule("s1", "@hourly")));
    List<ObjectNode> all = await(store.schedules());
    assertEquals(List.of("s1", "s2"), all.stream().map(s -> s.get("recurring_id").asText()).toList());
    assertEquals("@hourly", all.get(0).get("cron_expression").asText());
    await(store.deleteSchedule("s1"));
    await(store.deleteSchedule("nothing-here"));
    assertEquals(List.of("s2"), await(store.schedules()).stream().map(s -> s.get("recurring_id").asText()).toList());
  }

  @Test
  void listMergesSeveralStatusesInSeqOrder() {
    List<TaskState> all = new ArrayList<>();
    for (int i = 0; i < 9; i++) all.add(await(store.insert(task("multiple").build())));
    List<TaskState> running = await(store.claim("multiple", 100, 6, "node-a", T0));
    for (int i = 0; i < 3; i++) await(store.finish(finished(running.get(i * 2), TaskStatus.DONE, T0.plusSeconds(i))));
    // statuses now: done, running, done, running, done, running, queued, queued, queued
    TaskQuery doneOrQueued = new TaskQuery(Set.of(TaskStatus.DONE, TaskStatus.QUEUED), 0, Long.MAX_VALUE, 2);
    List<String> seen = new ArrayList<>();
    TaskPage page = await(store.list(doneOrQueued));
    seen.addAll(page.tasks().stream().map(TaskState::id).toList());
    while (page.more()) {
      page = await(store.list(doneOrQueued.after(page.lastSeq())));
      seen.addAll(page.tasks().stream().map(TaskState::id).toList());
    }
    List<Integer> expected = List.of(0, 2, 4, 6, 7, 8);
    assertEquals(expected.stream().map(i -> all.get(i).id()).toList(), seen);
    assertFalse(await(store.list(new TaskQuery(Set.of(TaskStatus.DONE, TaskStatus.RUNNING), 0, all.get(5).seq(), 6))).more());
  }

  @Test
  void aDecisionThatIsNotTheNextVersionFailsTheRecoveryAndChangesNothing() {
    await(store.insert(task("multiple").build()));
    await(store.insert(task("multiple").build()));
    List<TaskState> running = await(store.claim("multiple", 5, 5, "node-a", T0));
    assertInstanceOf(IllegalArgumentException.class, failureOf(store.recover(null,
        t -> t.id().equals(running.get(0).id()) ? finished(t, TaskStatus.FAILED, T0) : t)));
    for (TaskState t : running) assertEquals(t, await(store.get(t.id())), "the first decision was rolled back too");
  }

  @Test
  void answersComeBackOnTheCallersContext() {
    Context context = vertx.getOrCreateContext();
    Promise<List<Boolean>> checks = Promise.promise();
    List<TaskState> claimed = new ArrayList<>();
    context.runOnContext(v -> {
      List<Boolean> onContext = new ArrayList<>();
      store.insert(task("single").build())
          .compose(t -> {
            onContext.add(Vertx.currentContext() == context);
            return store.get(t.id());
          })
          .compose(t -> {
            onContext.add(Vertx.currentContext() == context);
            return store.claim("single", 1, 1, "n", T0);
          })
          .compose(l -> {
            onContext.add(Vertx.currentContext() == context);
            claimed.addAll(l);
            return store.update(l.get(0).next().heading("x").build());
          })
          .compose(t -> {
            onContext.add(Vertx.currentContext() == context);
            return store.update(t); // stale: fails
          })
          .recover(e -> {
            onContext.add(Vertx.currentContext() == context);
            return store.finish(finished(claimed.get(0), TaskStatus.DONE, T0)).map(f -> null); // stale too
          })
          .recover(e -> {
            onContext.add(Vertx.currentContext() == context);
            return store.list(TaskQuery.all(5)).map(p -> null);
          })
          .onComplete(ar -> {
            onContext.add(Vertx.currentContext() == context);
            checks.complete(onContext);
          });
    });
    assertEquals(List.of(true, true, true, true, true, true, true), await(checks.future()));
  }


  protected static ObjectNode schedule(String id, String cron) {
    return Json.object().put("recurring_id", id).put("cron_expression", cron).put("task_type", "NoopTask");
  }

  @Test
  void metaValuesAreKeptByKey() {
    assertNull(await(store.meta("imported")));
    await(store.putMeta("imported", "a"));
    await(store.putMeta("imported", "b"));
    assertEquals("b", await(store.meta("imported")));
  }

  @Test
  void aSemaphoreLimitSetAtRunTimeIsKeptUntilForgotten() {
    assertNull(await(store.semaphoreLimit("pool")));
    await(store.putSemaphoreLimit("pool", 7));
    await(store.putSemaphoreLimit("other", 2));
    assertEquals(7, await(store.semaphoreLimit("pool")));
    await(store.putSemaphoreLimit("pool", 9));
    assertEquals(9, await(store.semaphoreLimit("pool")));
    await(store.putSemaphoreLimit("pool", null));
    assertNull(await(store.semaphoreLimit("pool")));
    assertEquals(2, await(store.semaphoreLimit("other")));
  }

  protected static List<String> ids(List<TaskState> tasks) {
    return tasks.stream().map(TaskState::id).toList();
  }

  protected static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aQueuedTaskCanBeCancelledUnlessAClaimTookItFirst() {
    TaskState queued = insert("single");
    TaskState other = insert("single");
    Finished cancelled = await(store.finish(queued.next().status(TaskStatus.CANCELLED).completedAt(T0).build()));
    assertEquals(TaskStatus.CANCELLED, cancelled.task().status());
    TaskState claimed = claim("single", 1, 1).get(0);
    assertEquals(other.id(), claimed.id(), "a cancelled task is never claimed");
    assertInstanceOf(StaleStateException.class,
        failureOf(store.finish(other.next().status(TaskStatus.CANCELLED).completedAt(T0).build())));
    assertEquals(claimed, await(store.get(other.id())));
  }
}
