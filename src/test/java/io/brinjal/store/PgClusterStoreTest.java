package io.brinjal.store;

import static io.brinjal.store.StoreTests.T0;
import static io.brinjal.store.StoreTests.await;
import static io.brinjal.store.StoreTests.failureOf;
import static io.brinjal.store.StoreTests.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.brinjal.config.BrinjalConfig;
import io.brinjal.support.PostgresServer;
import io.brinjal.task.TaskStatus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** What several nodes need of the PostgreSQL store ({@link ClusterStore}), on a real PostgreSQL. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PgClusterStoreTest {
  private static final BrinjalConfig.Retention KEEP_ALL = new BrinjalConfig.Retention(100_000, 100_000);
  // long enough that a test thread keeping a task written is never late on a loaded 2-core machine
  private static final Duration LEASE = Duration.ofMillis(1000);

  private final PostgresServer server = PostgresServer.get();
  private Vertx vertx;
  private final List<TaskStore> opened = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
  }

  @AfterEach
  void closeAll() {
    for (TaskStore s : opened) await(s.close());
  }

  // ---------------------------------------------------------------- helpers

  private PgTaskStore open(PostgresServer.Database db) {
    return open(db, KEEP_ALL);
  }

  private PgTaskStore open(PostgresServer.Database db, BrinjalConfig.Retention retention) {
    PgTaskStore s = new PgTaskStore(vertx, PgTaskStore.connectOptions(db.url(), null), 4, retention);
    opened.add(s);
    await(s.open());
    return s;
  }

  private static TaskState finished(TaskState running, TaskStatus status) {
    return running.next().status(status).completedAt(T0.plusSeconds(1)).owner(null).build();
  }

  /** Fails interrupted the task named, queues every other one again. */
  private static UnaryOperator<TaskState> failOneRequeueOthers(String failedId) {
    return t -> t.id().equals(failedId)
        ? t.next().status(TaskStatus.FAILED).completedAt(T0.plusSeconds(5)).owner(null).abandoned(true)
            .error("Interrupted", "its node died", null).build()
        : t.next().status(TaskStatus.QUEUED).owner(null).startedAt(null).build();
  }

  private static UnaryOperator<TaskState> requeue() {
    return t -> t.next().status(TaskStatus.QUEUED).owner(null).startedAt(null).build();
  }

  private long count(PostgresServer.Database db, String sql) {
    return server.queryLong(db.name(), sql);
  }

  /** Now on the database's clock (epoch ms). */
  private long dbNow(PostgresServer.Database db) {
    return count(db, "SELECT " + PgSchema.NOW_MS);
  }

  private void runSql(PostgresServer.Database db, String sql) {
    SqlConnection c = await(PgConnection.connect(vertx, PgTaskStore.connectOptions(db.url(), null)));
    try {
      await(c.query(sql).execute());
    } finally {
      await(c.close());
    }
  }

  private static List<String> ids(List<TaskState> tasks) {
    return tasks.stream().map(TaskState::id).toList();
  }

  // ---------------------------------------------------------------- membership

  @Test
  void nodesJoinHeartbeatAndLeave() {
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore s = open(db);
    long before = dbNow(db);
    await(s.join("node-a"));
    await(s.join("node-b"));
    long after = dbNow(db);
    assertInstanceOf(IllegalArgumentException.class, failureOf(s.join("node-a")), "an id is registered once");

    List<ClusterStore.NodeInfo> nodes = await(s.nodes());
    assertEquals(List.of("node-a", "node-b"), nodes.stream().map(ClusterStore.NodeInfo::nodeId).toList());
    for (ClusterStore.NodeInfo n : nodes) {
      long joined = n.joinedAt().toEpochMilli();
      assertTrue(joined >= before - 1 && joined <= after + 1, "joined on the database's clock: " + n);
      assertTrue(n.sinceHeartbeat().compareTo(Duration.ofSeconds(10)) < 0, n.toString());
      assertFalse(n.sinceHeartbeat().isNegative());
    }
    assertTrue(await(s.heartbeat("node-a")));
    assertEquals(count(db, "SELECT heartbeat_at FROM brinjal_nodes WHERE node_id = 'node-a'"),
        count(db, "SELECT max(heartbeat_at) FROM brinjal_nodes"), "the renewal moved the lease on");
    assertFalse(await(s.heartbeat("never-joined")));

    await(s.leave("node-a"));
    assertFalse(await(s.heartbeat("node-a")), "a node that left has no lease to renew");
    assertEquals(List.of("node-b"), await(s.nodes()).stream().map(ClusterStore.NodeInfo::nodeId).toList());
    await(s.leave("node-a")); // twice is harmless
  }

  // ---------------------------------------------------------------- reaping

  @Test
  void aNodeThatStopsRenewingIsReapedByAnotherAndItsLateWritesFail() {
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore nodeA = open(db);
    PgTaskStore nodeB = open(db);
    long joined = System.nanoTime(); // node-a's lease starts with its join
    await(nodeA.join("node-a"));
    await(nodeB.join("node-b"));
    for (int i = 0; i < 5; i++) await(nodeA.insert(task("multiple").build()));
    List<TaskState> onA = await(nodeA.claim("multiple", 10, 2, "node-a", T0));
    List<TaskState> onB = await(nodeB.claim("multiple", 10, 1, "node-b", T0));
    assertEquals(2, onA.size());
    assertEquals(1, onB.size());
    String failedId = onA.get(0).id();

    // node-a stops renewing; node-b renews and reaps until node-a's lease has run out
    List<TaskState> reaped = new CopyOnWriteArrayList<>();
    List<TaskState> givenToDecide = new CopyOnWriteArrayList<>();
    UnaryOperator<TaskState> decide = failOneRequeueOthers(failedId);
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
      assertTrue(await(nodeB.heartbeat("node-b")));
      reaped.addAll(await(nodeB.reapDead(LEASE, t -> {
        givenToDecide.add(t);
        return decide.apply(t);
      })));
      return !reaped.isEmpty();
    });
    assertTrue(System.nanoTime() - joined >= LEASE.toNanos(), "not before the lease ran out");

    assertEquals(ids(onA), ids(reaped), "node-a's running tasks, oldest first");
    assertEquals(List.of("node-a", "node-a"), givenToDecide.stream().map(TaskState::owner).toList());
    assertEquals(onA, givenToDecide, "decide is given the stored states");
    TaskState failed = await(nodeB.get(failedId));
    assertEquals(TaskStatus.FAILED, failed.status());
    assertEquals(onA.get(0).version() + 1, failed.version());
    assertEquals(reaped.get(0), failed);
    TaskState requeued = await(nodeB.get(onA.get(1).id()));
    assertEquals(TaskStatus.QUEUED, requeued.status());
    assertNull(requeued.owner());
    assertEquals(reaped.get(1), requeued);
    assertEquals(onB.get(0), await(nodeB.get(onB.get(0).id())), "the live node's task is untouched");
    assertEquals(List.of("node-b"), await(nodeB.nodes()).stream().map(ClusterStore.NodeInfo::nodeId).toList());
    assertEquals(1, count(db, "SELECT sum(failed) FROM brinjal_finished_counts"), "the failure is counted");

    // node-a wakes up: its lease is gone, its writes are stale, it claims nothing more
    assertFalse(await(nodeA.heartbeat("node-a")));
    assertInstanceOf(StaleStateException.class, failureOf(nodeA.update(onA.get(1).next().progress(50).build())));
    assertInstanceOf(StaleStateException.class, failureOf(nodeA.finish(finished(onA.get(0), TaskStatus.DONE))));
    assertEquals(List.of(), await(nodeA.claim("multiple", 10, 5, "node-a", T0)), "a reaped node claims nothing");
    assertEquals(1, await(nodeB.claim("multiple", 10, 1, "node-b", T0)).size(), "others still claim");
    assertEquals(List.of(), await(nodeB.reapDead(LEASE, decide)), "nothing is reaped twice");
  }

  @Test
  void reapersRacingTakeEachDeadNodeOnce() {
    PostgresServer.Database db = server.newDatabase();
    List<PgTaskStore> reapers = List.of(open(db), open(db), open(db));
    PgTaskStore dying = open(db);
    List<String> dead = List.of("dead-1", "dead-2", "dead-3");
    int perNode = 4;
    for (int i = 0; i < dead.size() * perNode + 3; i++) await(dying.insert(task("multiple").build()));
    Set<String> held = new HashSet<>();
    for (String node : dead) {
      await(dying.join(node));
      held.addAll(ids(await(dying.claim("multiple", 100, perNode, node, T0))));
    }
    assertEquals(dead.size() * perNode, held.size());
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() ->
        await(reapers.get(0).nodes()).stream().allMatch(n -> n.sinceHeartbeat().compareTo(LEASE) > 0));

    Map<String, AtomicInteger> decided = new ConcurrentHashMap<>();
    UnaryOperator<TaskState> decide = t -> {
      decided.computeIfAbsent(t.id(), k -> new AtomicInteger()).incrementAndGet();
      return requeue().apply(t);
    };
    List<Future<List<TaskState>>> rounds = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (PgTaskStore r : reapers) rounds.add(r.reapDead(LEASE, decide));
    }
    List<String> reaped = new ArrayList<>();
    for (Future<List<TaskState>> f : rounds) reaped.addAll(ids(await(f)));
    assertEquals(held, decided.keySet());
    assertTrue(decided.values().stream().allMatch(n -> n.get() == 1), "each task decided once: " + decided);
    assertEquals(held.size(), reaped.size(), "each answered once");
    assertEquals(held, new HashSet<>(reaped));
    assertEquals(0, count(db, "SELECT count(*) FROM brinjal_nodes"));
    assertEquals(0, count(db, "SELECT count(*) FROM brinjal_tasks WHERE status = 'running'"));
    assertEquals(dead.size() * perNode, count(db, "SELECT count(*) FROM brinjal_tasks WHERE attempt = 1 AND "
        + "status = 'queued'"));
  }

  @Test
  void aReaperWaitsForAClaimInFlightOfTheDeadNodeAndTakesWhatItClaimed() {
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore dying = open(db);
    PgTaskStore reaper = open(db);
    await(dying.join("dying"));
    TaskState first = await(dying.insert(task("multiple").build()));
    TaskState late = await(dying.insert(task("multiple").build()));
    await(dying.claim("multiple", 10, 1, "dying", T0));
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() ->
        await(reaper.nodes()).get(0).sinceHeartbeat().compareTo(LEASE) > 0);
    // a claim of the dying node, caught between its membership check and its commit (as
    // CLAIM_AS_MEMBER does it: a key-share lock on the node's row, then the claimed row)
    SqlConnection claim = await(PgConnection.connect(vertx, PgTaskStore.connectOptions(db.url(), null)));
    try {
      await(claim.query("BEGIN").execute());
      await(claim.query("SELECT node_id FROM brinjal_nodes WHERE node_id = 'dying' FOR KEY SHARE").execute());
      await(claim.query("UPDATE brinjal_tasks SET status = 'running', owner = 'dying', version = version + 1, "
          + "attempt = attempt + 1, changed_at = " + PgSchema.NOW_MS + " WHERE id = '" + late.id() + "'").execute());
      Future<List<TaskState>> reaping = reaper.reapDead(LEASE, requeue());
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
          count(db, "SELECT count(*) FROM pg_locks WHERE NOT granted") > 0);
      assertFalse(reaping.isComplete(), "the reaper waits for the claim");
      await(claim.query("COMMIT").execute());
      assertEquals(List.of(first.id(), late.id()), ids(await(reaping)), "and then takes what it claimed");
    } finally {
      await(claim.close());
    }
    assertEquals(List.of(), await(dying.claim("multiple", 10, 1, "dying", T0)));
  }

  @Test
  void tasksOfAnOwnerThatNeverJoinedAreReapedOnlyOnceUnwrittenForALease() {
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore s = open(db);
    PgTaskStore reaper = open(db);
    for (int i = 0; i < 4; i++) await(s.insert(task("multiple").build()));
    long claimedAt = System.nanoTime();
    List<TaskState> ghost = await(s.claim("multiple", 10, 2, "ghost", T0));
    List<TaskState> nobody = await(s.claim("multiple", 10, 1, null, T0));
    assertEquals(List.of(), await(reaper.reapDead(LEASE, requeue())), "written just now: maybe a live node that never joined");

    // a node that never joined but keeps writing its task is left alone; the others are taken
    TaskState[] kept = {await(s.update(ghost.get(1).next().progress(1).build()))};
    List<TaskState> reaped = new CopyOnWriteArrayList<>();
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
      kept[0] = await(s.update(kept[0].next().progress(kept[0].progress() + 1).build()));
      reaped.addAll(await(reaper.reapDead(LEASE, requeue())));
      return reaped.size() >= 2;
    });
    assertTrue(System.nanoTime() - claimedAt >= LEASE.toNanos());
    assertEquals(Set.of(ghost.get(0).id(), nobody.get(0).id()), new HashSet<>(ids(reaped)));
    assertEquals(TaskStatus.RUNNING, await(s.get(kept[0].id())).status());
    assertEquals(TaskStatus.QUEUED, await(s.get(ghost.get(0).id())).status());
  }

  @Test
  void aDecisionThatIsNotTheNextVersionLeavesTheDeadNodeAndItsTasksAsTheyWere() {
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore s = open(db);
    await(s.join("dead"));
    await(s.insert(task("multiple").build()));
    TaskState running = await(s.claim("multiple", 1, 1, "dead", T0)).get(0);
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() ->
        await(s.nodes()).get(0).sinceHeartbeat().compareTo(LEASE) > 0);
    assertInstanceOf(IllegalArgumentException.class, failureOf(s.reapDead(LEASE, t -> t)));
    assertEquals(running, await(s.get(running.id())));
    assertEquals(1, await(s.nodes()).size(), "the row is back: the whole reaping was rolled back");
    assertEquals(List.of(running.id()), ids(await(s.reapDead(LEASE, requeue()))));
  }

  // ---------------------------------------------------------------- cancel requests

  @Test
  void aCancelRequestMovesARunningTaskOnAndLeavesOthersAsTheyAre() {
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore owner = open(db, new BrinjalConfig.Retention(100, 100));
    PgTaskStore other = open(db);
    await(owner.join("owner"));
    TaskState a = await(owner.insert(task("multiple").build()));
    TaskState b = await(owner.insert(task("multiple").build()));
    TaskState queued = await(owner.insert(task("other").build()));
    List<TaskState> running = await(owner.claim("multiple", 5, 2, "owner", T0));
    TaskState done = await(owner.finish(finished(running.get(1), TaskStatus.DONE))).task();

    TaskState asked = await(other.requestCancel(a.id()));
    assertTrue(asked.cancelRequested());
    assertEquals(running.get(0).version() + 1, asked.version());
    assertEquals(TaskStatus.RUNNING, asked.status());
    assertEquals("owner", asked.owner());
    assertEquals(asked, await(other.get(a.id())));
    assertEquals(asked, await(other.requestCancel(a.id())), "asked once is enough: no new version");

    assertEquals(queued, await(other.requestCancel(queued.id())), "a queued task is answered as it is");
    assertEquals(done, await(other.requestCancel(b.id())), "a finished one too");
    assertNull(await(other.requestCancel("no-such-task")));

    // the owner's next write, fenced on the version, notices; it then ends the task as asked
    StaleStateException stale = assertInstanceOf(StaleStateException.class,
        failureOf(owner.update(running.get(0).next().progress(10).build())));
    assertTrue(stale.current().cancelRequested());
    TaskState cancelled = await(owner.finish(finished(stale.current(), TaskStatus.CANCELLED))).task();
    assertEquals(cancelled, await(other.get(a.id())));
  }

  // ---------------------------------------------------------------- counts, firings

  @Test
  void semaphoreCountsAreClusterWide() {
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore one = open(db);
    PgTaskStore two = open(db);
    assertEquals(Map.of(), await(one.semaphoreCounts()));
    for (int i = 0; i < 4; i++) await(one.insert(task("alpha").build()));
    for (int i = 0; i < 2; i++) await(two.insert(task("beta").build()));
    List<TaskState> a1 = await(one.claim("alpha", 10, 1, "n1", T0));
    List<TaskState> a2 = await(two.claim("alpha", 10, 1, "n2", T0));
    await(one.update(a1.get(0).next().status(TaskStatus.CANCELLING).build())); // still holds its permit
    assertEquals(Map.of("alpha", new ClusterStore.SemaphoreCount(2, 2), "beta", new ClusterStore.SemaphoreCount(0, 2)),
        await(two.semaphoreCounts()));
    await(two.finish(finished(a2.get(0), TaskStatus.DONE)));
    assertEquals(new ClusterStore.SemaphoreCount(1, 2), await(one.semaphoreCounts()).get("alpha"));
  }

  @Test
  void aFiringIsTakenOnceClusterWide() {
    PostgresServer.Database db = server.newDatabase();
    List<PgTaskStore> stores = List.of(open(db), open(db), open(db));
    Instant due = Instant.ofEpochMilli(dbNow(db)).plusSeconds(30);
    List<Future<Boolean>> claims = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      for (PgTaskStore s : stores) claims.add(s.claimFiring("nightly", due));
    }
    int taken = 0;
    for (Future<Boolean> f : claims) taken += await(f) ? 1 : 0;
    assertEquals(1, taken);
    assertFalse(await(stores.get(1).claimFiring("nightly", due)), "whenever they ask");
    assertTrue(await(stores.get(2).claimFiring("nightly", due.plusSeconds(60))), "the next firing is another");
    assertTrue(await(stores.get(2).claimFiring("hourly", due)), "so is another schedule's");
    Instant forgotten = Instant.ofEpochMilli(dbNow(db)).minus(Duration.ofHours(25));
    assertFalse(await(stores.get(0).claimFiring("nightly", forgotten)), "older than what is remembered: refused");
  }

  @Test
  void oldTombstonesAndFiringsAreForgotten() {
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore s = open(db);
    TaskState t = await(s.insert(task("multiple").build()));
    await(s.delete(t.id()));
    long now = dbNow(db);
    runSql(db, "INSERT INTO brinjal_removed (id, removed_at) VALUES ('old', " + (now - 3_700_000) + ")");
    runSql(db, "INSERT INTO brinjal_firings (schedule_id, due_at) VALUES ('old', " + (now - 90_000_000) + "), "
        + "('recent', " + (now - 3_700_000) + ")");
    PgTaskStore another = open(db); // its first reaping tidies up
    assertEquals(List.of(), await(another.reapDead(LEASE, requeue())));
    assertEquals(1, count(db, "SELECT count(*) FROM brinjal_removed"));
    assertEquals(1, count(db, "SELECT count(*) FROM brinjal_removed WHERE id = '" + t.id() + "'"));
    assertEquals(1, count(db, "SELECT count(*) FROM brinjal_firings WHERE schedule_id = 'recent'"));
    assertEquals(1, count(db, "SELECT count(*) FROM brinjal_firings"));
  }

  // ---------------------------------------------------------------- notifications

  @Test
  void payloadsReachEveryListenerInOrderOnItsContext() {
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore a = open(db);
    PgTaskStore b = open(db);
    List<String> atA = new CopyOnWriteArrayList<>();
    List<String> atB = new CopyOnWriteArrayList<>();
    AtomicInteger offContext = new AtomicInteger();
    Context context = vertx.getOrCreateContext();
    Promise<Void> listening = Promise.promise();
    context.runOnContext(v -> a.listen(p -> {
      if (Vertx.currentContext() != context) offContext.incrementAndGet();
      atA.add(p);
    }, () -> {}).onComplete(listening));
    await(listening.future());
    await(b.listen(atB::add, () -> {}));

    String big = "é".repeat(3950); // 7,900 bytes of UTF-8
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) sent.add("{\"task\":\"t" + i + "\"}");
    sent.add("same");
    sent.add("same"); // a transaction folds identical notifications: these are not in one
    sent.add(big);
    await(b.notifyNodes(sent));
    await(a.notifyNodes(List.of("from-a")));
    List<String> expected = new ArrayList<>(sent);
    expected.add("from-a");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> atA.contains("from-a") && atB.contains("from-a"));
    assertEquals(expected, atA);
    assertEquals(expected, atB, "the sender hears its own");
    assertEquals(0, offContext.get(), "delivered on the context listen was called from");

    IllegalArgumentException tooBig = assertInstanceOf(IllegalArgumentException.class,
        failureOf(b.notifyNodes(List.of("first", big + "x"))));
    assertTrue(tooBig.getMessage().contains("7901 bytes"), tooBig.getMessage());
    await(b.notifyNodes(List.of()));
    await(b.notifyNodes(List.of("last")));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> atA.size() > expected.size());
    assertEquals("last", atA.get(atA.size() - 1), "nothing of the refused call was sent");
  }

  @Test
  void closingTheStoreClosesItsListeners() {
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore a = open(db);
    await(a.listen(p -> {}, () -> {}));
    await(a.listen(p -> {}, () -> {}));
    String listening = "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db.name() + "' AND query LIKE 'LISTEN%'";
    assertEquals(2, count(db, listening));
    await(a.close());
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count(db, listening) == 0);
    assertInstanceOf(StoreUnavailableException.class, failureOf(a.listen(p -> {}, () -> {})));
  }

  @Test
  void aListenerReconnectsAfterTheServerRestartsAndSaysSo() {
    assumeTrue(server.canRestart(), "the server named by " + PostgresServer.URL_VARIABLE + " cannot be restarted here");
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore a = open(db);
    PgTaskStore b = open(db);
    List<String> heard = new CopyOnWriteArrayList<>();
    AtomicInteger reconnects = new AtomicInteger();
    AtomicInteger offContext = new AtomicInteger();
    Context context = vertx.getOrCreateContext();
    Promise<Void> listening = Promise.promise();
    context.runOnContext(v -> a.listen(heard::add, () -> {
      if (Vertx.currentContext() != context) offContext.incrementAndGet();
      reconnects.incrementAndGet();
    }).onComplete(listening));
    await(listening.future());
    await(b.notifyNodes(List.of("before")));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("before"));
    assertEquals(0, reconnects.get(), "the first connect is no reconnect");

    server.stop();
    try {
      assertInstanceOf(StoreUnavailableException.class, failureOf(b.notifyNodes(List.of("while-down"))));
      StoreUnavailableException e = assertInstanceOf(StoreUnavailableException.class,
          failureOf(b.listen(p -> {}, () -> {})), "a first connect that fails fails the listen");
      assertTrue(e.getMessage().contains("listen failed"), e.getMessage());
    } finally {
      server.start();
    }
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> reconnects.get() >= 1);
    // the sender's pool may hand out a connection that died with the server first: try again
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      b.notifyNodes(List.of("after"));
      return heard.contains("after");
    });
    assertEquals(1, reconnects.get());
    assertEquals(0, offContext.get());
    assertFalse(heard.contains("while-down"));
  }

  // ---------------------------------------------------------------- catching up

  @Test
  void changedSinceAnswersWritesAndDeletesAfterAPointOnTheDatabaseClock() {
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore s = open(db, new BrinjalConfig.Retention(1, 1));
    PgTaskStore other = open(db);
    long before = dbNow(db);
    ClusterStore.Changes start = await(s.changedSince(0, 100));
    long after = dbNow(db);
    assertEquals(List.of(), start.tasks());
    assertEquals(List.of(), start.deleted());
    assertTrue(start.asOfMillis() >= before - 2 && start.asOfMillis() <= after, start.asOfMillis() + " in ["
        + before + ", " + after + "]");

    // every kind of write stamps its task; every kind of delete leaves its id
    long mark = start.asOfMillis();
    TaskState a = await(s.insert(task("multiple").build()));
    mark = expectChanged(db, other, mark, List.of(a), List.of());
    TaskState b = await(s.insert(task("multiple").build()));
    TaskState c = await(s.insert(task("multiple").build()));
    mark = expectChanged(db, other, mark, List.of(b, c), List.of());
    await(s.join("n"));
    List<TaskState> running = await(s.claim("multiple", 10, 3, "n", T0));
    mark = expectChanged(db, other, mark, running, List.of());
    TaskState ra = await(s.update(running.get(0).next().progress(5).build()));
    mark = expectChanged(db, other, mark, List.of(ra), List.of());
    TaskState rb = await(other.requestCancel(running.get(1).id()));
    mark = expectChanged(db, other, mark, List.of(rb), List.of());
    Finished fa = await(s.finish(finished(ra, TaskStatus.DONE)));
    mark = expectChanged(db, other, mark, List.of(fa.task()), List.of());
    List<TaskState> recovered = await(s.recover("n", requeue()));
    assertEquals(List.of(b.id(), c.id()), ids(recovered));
    mark = expectChanged(db, other, mark, recovered, List.of());
    TaskState rb2 = await(s.claim("multiple", 10, 1, "n", T0)).get(0);
    assertEquals(b.id(), rb2.id());
    Finished fb = await(s.finish(finished(rb2, TaskStatus.DONE))); // prunes a: 1 done task is kept
    assertEquals(List.of(a.id()), fb.pruned());
    mark = expectChanged(db, other, mark, List.of(fb.task()), List.of(a.id()));
    await(s.delete(c.id()));
    mark = expectChanged(db, other, mark, List.of(), List.of(c.id()));
    assertEquals(List.of(b.id()), await(s.deleteFinished(10)));
    mark = expectChanged(db, other, mark, List.of(), List.of(b.id()));
    TaskState d = await(s.insert(task("multiple").build()));
    await(s.claim("multiple", 10, 1, "ghost", T0));
    mark = expectChanged(db, other, mark, List.of(d), List.of());
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() ->
        !await(s.reapDead(LEASE, requeue())).isEmpty());
    TaskState reaped = await(s.get(d.id()));
    assertEquals(TaskStatus.QUEUED, reaped.status());
    expectChanged(db, other, mark, List.of(reaped), List.of());

    // from the start: every task as it is now, every id deleted, oldest first
    ClusterStore.Changes all = await(other.changedSince(start.asOfMillis(), 100));
    assertEquals(List.of(reaped), all.tasks());
    assertEquals(List.of(a.id(), c.id(), b.id()), all.deleted());
  }

  /**
   * Asks from {@code since}: exactly these tasks (as stored now) and deleted ids; answers the next
   * point to ask from. Waits first until the database's clock is 2 ms past the last write, so
   * that nothing written before is answered twice (asOfMillis is a millisecond before the query).
   */
  private long expectChanged(PostgresServer.Database db, PgTaskStore s, long since, List<TaskState> tasks,
      List<String> deleted) {
    long wrote = dbNow(db);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> dbNow(db) >= wrote + 2);
    ClusterStore.Changes ch = await(s.changedSince(since, 100));
    List<TaskState> now = new ArrayList<>();
    for (TaskState t : tasks) now.add(await(s.get(t.id())));
    assertEquals(new HashSet<>(now), new HashSet<>(ch.tasks()));
    assertEquals(now.size(), ch.tasks().size());
    assertEquals(deleted, ch.deleted());
    assertTrue(ch.asOfMillis() > since);
    return ch.asOfMillis();
  }

  @Test
  void changedSinceInPagesEndsAtWholeMillisecondsAndNeverLoops() {
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore s = open(db);
    List<TaskState> tasks = new ArrayList<>();
    for (int i = 0; i < 6; i++) tasks.add(await(s.insert(task("multiple").build())));
    long[] stamps = {1001, 1002, 1002, 1002, 1003, 1004};
    for (int i = 0; i < tasks.size(); i++) {
      runSql(db, "UPDATE brinjal_tasks SET changed_at = " + stamps[i] + " WHERE id = '" + tasks.get(i).id() + "'");
    }
    ClusterStore.Changes p1 = await(s.changedSince(1000, 2));
    assertEquals(ids(tasks.subList(0, 1)), ids(p1.tasks()), "ends before the millisecond it could not finish");
    assertEquals(1001, p1.asOfMillis());
    ClusterStore.Changes p2 = await(s.changedSince(p1.asOfMillis(), 2));
    assertEquals(ids(tasks.subList(1, 4)), ids(p2.tasks()), "one millisecond holds more than max: all of it");
    assertEquals(1002, p2.asOfMillis());
    ClusterStore.Changes p3 = await(s.changedSince(p2.asOfMillis(), 2));
    assertEquals(ids(tasks.subList(4, 6)), ids(p3.tasks()));
    assertTrue(p3.asOfMillis() > 1_700_000_000_000L, "the database's clock when all is answered");
    assertEquals(List.of(), await(s.changedSince(p3.asOfMillis(), 2)).tasks());
    assertInstanceOf(IllegalArgumentException.class, failureOf(s.changedSince(0, 0)));
  }

  // ---------------------------------------------------------------- schema

  @Test
  void aDatabaseOfTheFirstSchemaIsMigratedAndItsTasksStamped() {
    PostgresServer.Database db = server.newDatabase();
    runSql(db, "CREATE TABLE brinjal_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
    for (String sql : PgSchema.MIGRATIONS.get(0)) runSql(db, sql);
    runSql(db, "INSERT INTO brinjal_schema (version) VALUES (1)");
    runSql(db, "INSERT INTO brinjal_tasks (id, version, task_type, semaphore, status, progress, params, created_at, "
        + "abandoned, priority, attempt, cancel_requested) VALUES ('old', 1, 'SleepTask', 'single', 'queued', 0, '{}', 0, "
        + "false, 0, 0, false)");
    long before = dbNow(db);
    PgTaskStore s = open(db);
    assertEquals(PgSchema.latest(), count(db, "SELECT max(version) FROM brinjal_schema"));
    assertTrue(count(db, "SELECT changed_at FROM brinjal_tasks WHERE id = 'old'") >= before - 1);
    ClusterStore.Changes ch = await(s.changedSince(before - 10, 10));
    assertEquals(List.of("old"), ids(ch.tasks()));
    await(s.join("n"));
    assertNotNull(await(s.claim("single", 1, 1, "n", T0)).get(0));
  }
}
