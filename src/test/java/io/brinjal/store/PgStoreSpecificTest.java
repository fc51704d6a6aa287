package io.brinjal.store;

import static io.brinjal.store.StoreTests.T0;
import static io.brinjal.store.StoreTests.await;
import static io.brinjal.store.StoreTests.failureOf;
import static io.brinjal.store.StoreTests.onEventLoop;
import static io.brinjal.store.StoreTests.task;
import static io.brinjal.store.StoreTests.finished;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.json.Json;
import io.brinjal.support.PostgresServer;
import io.brinjal.task.TaskStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** What only the PostgreSQL store has: several nodes on one database, its URL, its errors. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PgStoreSpecificTest {
  private static final BrinjalConfig.Retention KEEP_ALL = new BrinjalConfig.Retention(100_000, 100_000);

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

  private PgTaskStore store(String url, BrinjalConfig.Retention retention) {
    PgTaskStore s = new PgTaskStore(vertx, PgTaskStore.connectOptions(url, null), 4, retention);
    opened.add(s);
    return s;
  }

  private PgTaskStore open(String url) {
    return open(url, KEEP_ALL);
  }

  private PgTaskStore open(String url, BrinjalConfig.Retention retention) {
    PgTaskStore s = store(url, retention);
    await(s.open());
    return s;
  }

  private long count(PostgresServer.Database db, String sql) {
    return server.queryLong(db.name(), sql);
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  // ---------------------------------------------------------------- several nodes

  @Test
  void severalNodesClaimingAtOnceNeverExceedTheLimit() {
    PostgresServer.Database db = server.newDatabase();
    List<PgTaskStore> nodes = new ArrayList<>();
    for (int i = 0; i < 4; i++) nodes.add(open(db.url()));
    List<String> ids = new ArrayList<>();
    onEventLoop(vertx, () -> {
      List<Future<TaskState>> all = new ArrayList<>();
      for (int i = 0; i < 200; i++) all.add(nodes.get(i % 4).insert(task("default").build()));
      return Future.all(all).map(cf -> {
        for (int i = 0; i < 200; i++) ids.add(cf.<TaskState>resultAt(i).id());
        return null;
      });
    });

    // round one: 4 nodes × 20 claims at once on a fresh semaphore
    List<Future<List<TaskState>>> claims = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      claims.add(nodes.get(i % 4).claim("default", 3, 2, "node-" + (i % 4), T0));
    }
    int claimed = 0;
    for (Future<List<TaskState>> f : claims) claimed += await(f).size();
    assertEquals(3, claimed);
    assertEquals(3, count(db, "SELECT count(*) FROM brinjal_tasks WHERE status = 'running'"));
    assertEquals(List.of(), await(nodes.get(2).claim("default", 3, 5, "node-2", T0)));

    // then every node works the line down (claim, finish, claim again) while others do the same;
    // a task counts as running from its claim's answer until its finish is sent, so this count is
    // never above what the database holds at that moment
    await(nodes.get(0).recover(null, t -> t.next().status(TaskStatus.QUEUED).owner(null).startedAt(null).build()));
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostRunning = new AtomicInteger();
    AtomicInteger finishedCount = new AtomicInteger();
    Set<String> claimedIds = ConcurrentHashMap.newKeySet();
    AtomicInteger claimedTwice = new AtomicInteger();
    List<Future<Void>> workers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      PgTaskStore node = nodes.get(i % 4);
      String owner = "node-" + (i % 4);
      Promise<Void> done = Promise.promise();
      Worker worker = new Worker(node, owner, running, mostRunning, finishedCount, claimedIds, claimedTwice, ids.size(), done);
      vertx.getOrCreateContext().runOnContext(v -> worker.next());
      workers.add(done.future());
    }
    Future<?> allDone = Future.all(workers);
    // meanwhile, from outside: the database never holds more than 3 running
    long mostInDatabase = 0;
    while (!allDone.isComplete()) {
      mostInDatabase = Math.max(mostInDatabase,
          count(db, "SELECT count(*) FROM brinjal_tasks WHERE status IN ('running', 'cancelling')"));
    }
    await(allDone);
    assertTrue(mostInDatabase <= 3, "the database held " + mostInDatabase + " running");
    assertTrue(mostRunning.get() <= 3, "the nodes held " + mostRunning.get() + " at once");
    assertTrue(mostRunning.get() >= 1);
    assertEquals(0, claimedTwice.get(), "no task is claimed twice");
    assertEquals(200, finishedCount.get());
    assertEquals(200, count(db, "SELECT count(*) FROM brinjal_tasks WHERE status = 'done'"));
    // each task was claimed once in this phase (attempt 2: it was re-queued once after round one, or never claimed then)
    assertEquals(0, count(db, "SELECT count(*) FROM brinjal_tasks WHERE attempt > 2"));
  }

  /** One worker of a node: claims one task, finishes it, again, until every task is finished. */
  private record Worker(PgTaskStore node, String owner, AtomicInteger running, AtomicInteger mostRunning,
      AtomicInteger finishedCount, Set<String> claimedIds, AtomicInteger claimedTwice, int total, Promise<Void> done) {
    void next() {
      if (finishedCount.get() >= total) {
        done.tryComplete();
        return;
      }
      node.claim("default", 3, 1, owner, T0).onFailure(done::tryFail).onSuccess(claimed -> {
        if (claimed.isEmpty()) {
          next();
          return;
        }
        TaskState t = claimed.get(0);
        mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        if (!claimedIds.add(t.id())) claimedTwice.incrementAndGet();
        // "runs" for a round trip (reading itself back), so that runs overlap
        node.get(t.id()).onFailure(done::tryFail).onSuccess(read -> {
          if (!t.equals(read)) done.tryFail(new AssertionError("read back " + read + ", claimed " + t));
          running.decrementAndGet(); // before the finish is sent: it is still running in the database
          node.finish(finished(t, TaskStatus.DONE, T0.plusSeconds(1))).onFailure(done::tryFail).onSuccess(f -> {
            finishedCount.incrementAndGet();
            next();
          });
        });
      });
    }
  }

  @Test
  void aLimitKeptInTheStoreGovernsEveryNodesClaimsWhateverLimitTheyPass() {
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore a = open(db.url());
    PgTaskStore b = open(db.url());
    for (int i = 0; i < 10; i++) await(a.insert(task("multiple").build()));
    await(a.putSemaphoreLimit("multiple", 2));
    assertEquals(2, await(b.claim("multiple", 10, 10, "nb", T0)).size(), "b still thinks the limit is 10");
    assertEquals(0, await(a.claim("multiple", 10, 10, "na", T0)).size());
    await(b.putSemaphoreLimit("multiple", 5));
    assertEquals(3, await(a.claim("multiple", 1, 10, "na", T0)).size(), "a still thinks the limit is 1");
    await(a.putSemaphoreLimit("multiple", null)); // forgotten: each claim's own limit again
    assertEquals(1, await(a.claim("multiple", 6, 10, "na", T0)).size());
  }

  @Test
  void severalSemaphoresAreLimitedEachByItsOwnCount() {
    PostgresServer.Database db = server.newDatabase();
    List<PgTaskStore> nodes = List.of(open(db.url()), open(db.url()), open(db.url()));
    for (int i = 0; i < 30; i++) await(nodes.get(0).insert(task(i % 2 == 0 ? "single" : "multiple").build()));
    List<Future<List<TaskState>>> claims = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      PgTaskStore node = nodes.get(i % 3);
      claims.add(i % 2 == 0 ? node.claim("single", 1, 3, "n" + i % 3, T0) : node.claim("multiple", 10, 3, "n" + i % 3, T0));
    }
    for (Future<List<TaskState>> f : claims) await(f);
    assertEquals(1, count(db, "SELECT count(*) FROM brinjal_tasks WHERE status = 'running' AND semaphore = 'single'"));
    assertEquals(10, count(db, "SELECT count(*) FROM brinjal_tasks WHERE status = 'running' AND semaphore = 'multiple'"));
  }

  @Test
  void nodesFinishingAtOnceNeverPruneTheSameTaskAndKeepTheRetention() {
    PostgresServer.Database db = server.newDatabase();
    BrinjalConfig.Retention retention = new BrinjalConfig.Retention(5, 3);
    List<PgTaskStore> nodes = new ArrayList<>();
    for (int i = 0; i < 4; i++) nodes.add(open(db.url(), retention));
    int n = 120;
    List<TaskState> running = new ArrayList<>();
    for (int i = 0; i < n; i++) await(nodes.get(0).insert(task("multiple").build()));
    while (running.size() < n) running.addAll(await(nodes.get(0).claim("multiple", n, n, "node-a", T0)));

    List<Future<Finished>> finishes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TaskStatus status = i % 3 == 0 ? TaskStatus.FAILED : i % 3 == 1 ? TaskStatus.DONE : TaskStatus.CANCELLED;
      finishes.add(nodes.get(i % 4).finish(finished(running.get(i), status, T0.plusMillis(i))));
    }
    List<String> pruned = new ArrayList<>();
    for (Future<Finished> f : finishes) pruned.addAll(await(f).pruned());
    assertEquals(pruned.size(), new HashSet<>(pruned).size(), "a pruned id is answered once");
    long left = count(db, "SELECT count(*) FROM brinjal_tasks");
    assertEquals(n - pruned.size(), left, "every id answered is gone, and only those");

    // what concurrent finishes left beyond the retention, the next prune takes
    List<String> more = await(nodes.get(1).prune(1000));
    assertTrue(Collections.disjoint(pruned, more));
    assertEquals(5, count(db, "SELECT count(*) FROM brinjal_tasks WHERE status = 'done'"));
    assertEquals(3, count(db, "SELECT count(*) FROM brinjal_tasks WHERE status IN ('failed', 'cancelled')"));
    assertEquals(5, count(db, "SELECT sum(done) FROM brinjal_finished_counts"), "the kept counts agree with the rows");
    assertEquals(3, count(db, "SELECT sum(failed) FROM brinjal_finished_counts"));
    // the newest of each kind are the ones kept
    assertEquals(0, count(db, "SELECT count(*) FROM brinjal_tasks WHERE status = 'done' AND completed_at < "
        + T0.plusMillis(n - 15).toEpochMilli()));
  }

  @Test
  void finishedCountsFollowEveryKindOfWriteAndAreRecountedAtOpen() {
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore s = open(db.url());
    List<TaskState> running = new ArrayList<>();
    for (int i = 0; i < 6; i++) await(s.insert(task("multiple").build()));
    running.addAll(await(s.claim("multiple", 10, 10, "n", T0)));
    await(s.finish(finished(running.get(0), TaskStatus.DONE, T0)));
    TaskState failed = await(s.finish(finished(running.get(1), TaskStatus.FAILED, T0))).task();
    await(s.update(failed.next().status(TaskStatus.QUEUED).completedAt(null).build())); // a retry
    TaskState cancelled = await(s.finish(finished(running.get(2), TaskStatus.CANCELLED, T0))).task();
    await(s.finish(cancelled.next().status(TaskStatus.FAILED).build())); // a finished task finished otherwise
    TaskState done = await(s.finish(finished(running.get(3), TaskStatus.DONE, T0))).task();
    await(s.delete(done.id()));
    await(s.recover(null, t -> finished(t, TaskStatus.FAILED, T0.plusSeconds(1))));
    assertEquals(1, count(db, "SELECT sum(done) FROM brinjal_finished_counts"));
    assertEquals(3, count(db, "SELECT sum(failed) FROM brinjal_finished_counts"));
    assertEquals(List.of(running.get(0).id()), await(s.deleteFinished(1)));
    assertEquals(0, count(db, "SELECT sum(done) FROM brinjal_finished_counts"));

    // counts spoiled by hand are repaired by the next open
    await(s.putMeta("x", "y"));
    runSql(db, "UPDATE brinjal_finished_counts SET done = 40, failed = 40");
    PgTaskStore again = open(db.url());
    assertEquals(0, count(db, "SELECT sum(done) FROM brinjal_finished_counts"));
    assertEquals(3, count(db, "SELECT sum(failed) FROM brinjal_finished_counts"));
    assertEquals("y", await(again.meta("x")));
  }

  /** Runs a statement on the test database as its owner (the store's user). */
  private void runSql(PostgresServer.Database db, String sql) {
    SqlConnection c = await(PgConnection.connect(vertx, PgTaskStore.connectOptions(db.url(), null)));
    try {
      await(c.query(sql).execute());
    } finally {
      await(c.close());
    }
  }

  @Test
  void storesOpeningTheSameNewDatabaseAtOnceMigrateItOnce() {
    PostgresServer.Database db = server.newDatabase();
    List<Future<Void>> opening = new ArrayList<>();
    List<PgTaskStore> stores = new ArrayList<>();
    for (int i = 0; i < 4; i++) stores.add(store(db.url(), KEEP_ALL));
    for (PgTaskStore s : stores) opening.add(s.open());
    for (Future<Void> f : opening) await(f);
    assertEquals(PgSchema.latest(), count(db, "SELECT count(*) FROM brinjal_schema"));
    assertEquals(PgSchema.COUNT_SHARDS, count(db, "SELECT count(*) FROM brinjal_finished_counts"));
    TaskState t = await(stores.get(0).insert(task("single").build()));
    assertEquals(t, await(stores.get(3).get(t.id())));
  }

  // ---------------------------------------------------------------- opening

  @Test
  void aWrongPasswordIsAnOpenErrorNamingTheStoreButNotThePassword() {
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore s = new PgTaskStore(vertx, PgTaskStore.connectOptions(server.url(db.name()), "not-the-password-123"), 2,
        KEEP_ALL);
    opened.add(s);
    String message = openFailure(s, db.name(), server.port());
    assertTrue(message.contains("authentication failed"), message);
    assertFalse(message.contains("not-the-password-123"), message);
  }

  @Test
  void aDatabaseThatDoesNotExistIsAnOpenError() {
    PgTaskStore s = store(server.url("no_such_database"), KEEP_ALL);
    String message = openFailure(s, "no_such_database", server.port());
    assertTrue(message.contains("does not exist"), message);
  }

  @Test
  void nothingListeningIsAnOpenError() throws Exception {
    int port = freePort();
    String url = "postgresql://" + server.user() + ":" + server.password() + "@127.0.0.1:" + port + "/brinjal";
    PgTaskStore s = store(url, KEEP_ALL);
    String message = openFailure(s, "brinjal", port);
    assertTrue(message.contains("connection refused"), message);
  }

  /** Opens {@code s}, which must fail; answers the message after checking what it must (not) say. */
  private String openFailure(PgTaskStore s, String database, int port) {
    StoreOpenException e = assertInstanceOf(StoreOpenException.class, failureOf(s.open()));
    String message = e.getMessage();
    assertTrue(message.startsWith("store.url: "), message);
    assertTrue(message.contains("127.0.0.1:" + port + "/" + database), message);
    assertFalse(message.contains(server.password()), message);
    assertInstanceOf(StoreUnavailableException.class, failureOf(s.insert(task("single").build())));
    assertInstanceOf(StoreUnavailableException.class, failureOf(s.get("x")));
    await(s.close());
    return message;
  }

  @Test
  void aDatabaseWrittenByANewerBrinjalIsRefused() {
    PostgresServer.Database db = server.newDatabase();
    await(open(db.url()).close());
    runSql(db, "INSERT INTO brinjal_schema (version) VALUES (" + (PgSchema.latest() + 7) + ")");
    StoreOpenException e = assertInstanceOf(StoreOpenException.class, failureOf(store(db.url(), KEEP_ALL).open()));
    assertTrue(e.getMessage().startsWith("store.url: "), e.getMessage());
    assertTrue(e.getMessage().contains("written by a newer Brinjal"), e.getMessage());
  }

  @Test
  void aForeignTableOfTheSameNameIsNotTakenOver() {
    PostgresServer.Database db = server.newDatabase();
    runSql(db, "CREATE TABLE brinjal_tasks (x integer)");
    StoreOpenException e = assertInstanceOf(StoreOpenException.class, failureOf(store(db.url(), KEEP_ALL).open()));
    assertTrue(e.getMessage().contains("not a Brinjal task store"), e.getMessage());
    assertEquals(0, count(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'brinjal_schema'"), "nothing was created");
  }

  @Test
  void theDatabaseMayBeSharedWithAnApplication() {
    PostgresServer.Database db = server.newDatabase();
    runSql(db, "CREATE TABLE tasks (id integer primary key)");
    runSql(db, "CREATE TABLE schedules (id integer primary key)");
    PgTaskStore s = open(db.url());
    await(s.insert(task("single").build()));
    assertEquals(0, count(db, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        + "WHERE n.nspname = 'public' AND c.relname NOT LIKE 'brinjal\\_%' AND c.relname NOT IN "
        + "('tasks', 'schedules', 'tasks_pkey', 'schedules_pkey')"), "every object of ours is named brinjal_…");
  }

  // ---------------------------------------------------------------- the server going away

  @Test
  void aWriteWhileTheServerIsDownFailsAsUnavailableAndTheStoreWorksOnceItIsBack() {
    assumeTrue(server.canRestart(), "the server named by " + PostgresServer.URL_VARIABLE + " cannot be restarted here");
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore s = open(db.url());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    s.bindMetrics(registry);
    TaskState a = await(s.insert(task("single").build()));
    server.stop();
    try {
      Throwable e = failureOf(s.insert(task("single").build()));
      StoreUnavailableException unavailable = assertInstanceOf(StoreUnavailableException.class, e);
      assertTrue(unavailable.getMessage().contains(s.describe()), unavailable.getMessage());
      assertFalse(unavailable.getMessage().contains(server.password()), unavailable.getMessage());
      assertInstanceOf(StoreUnavailableException.class, failureOf(s.claim("single", 1, 1, "n", T0)));
      assertInstanceOf(StoreUnavailableException.class, failureOf(s.get(a.id())));
      assertTrue(registry.get("brinjal.store.write.failures").counter().count() >= 2);
    } finally {
      server.start();
    }
    assertEquals(a, await(s.get(a.id())));
    TaskState b = await(s.insert(task("single").build()));
    assertEquals(List.of(a.id()), await(s.claim("single", 1, 1, "n", T0)).stream().map(TaskState::id).toList());
    assertEquals(2L, await(s.countByStatus()).values().stream().mapToLong(Long::longValue).sum(),
        "nothing of the failed insert was stored");
    assertEquals(b, await(s.get(b.id())));
  }

  @Test
  void aClaimCutOffByTheServerStoppingFailsAsUnavailableAndClaimsNothing() {
    assumeTrue(server.canRestart(), "the server named by " + PostgresServer.URL_VARIABLE + " cannot be restarted here");
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore s = open(db.url());
    TaskState a = await(s.insert(task("single").build()));
    // another session holds the semaphore's lock, so the claim waits inside its transaction
    SqlConnection holder = await(PgConnection.connect(vertx, PgTaskStore.connectOptions(db.url(), null)));
    await(holder.query("BEGIN").execute());
    await(holder.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))").execute(Tuple.of("brinjal-sem:single")));
    Future<List<TaskState>> claim = s.claim("single", 1, 1, "n", T0);
    while (count(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 0) {
      assertFalse(claim.isComplete(), "the claim must wait for the lock");
    }
    server.stop();
    try {
      assertInstanceOf(StoreUnavailableException.class, failureOf(claim));
    } finally {
      server.start();
      holder.close(); // long gone with the server
    }
    assertEquals(a, await(s.get(a.id())), "nothing of the cut-off claim was stored");
    assertEquals(1, await(s.claim("single", 1, 1, "n", T0)).size());
  }

  // ---------------------------------------------------------------- lifecycle, contexts, metrics

  @Test
  void claimsAreTimedAndNothingIsNamedPerTask() {
    PgTaskStore s = open(server.newDatabase().url());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    s.bindMetrics(registry);
    s.bindMetrics(registry); // twice is harmless
    await(s.insert(task("single").build()));
    await(s.claim("single", 1, 1, "n", T0));
    await(s.claim("single", 1, 1, "n", T0));
    assertEquals(2, registry.get("brinjal.store.claim").timer().count());
    assertEquals(0.0, registry.get("brinjal.store.write.failures").counter().count());
    // the simple registry shows the timer's buckets as gauges tagged "le": no other tag, none per task
    assertEquals(Set.of("brinjal.store.claim", "brinjal.store.claim.histogram", "brinjal.store.write.failures"),
        registry.getMeters().stream().map(m -> m.getId().getName()).collect(java.util.stream.Collectors.toSet()));
    assertTrue(registry.getMeters().stream().flatMap(m -> m.getId().getTags().stream()).allMatch(t -> t.getKey().equals("le")));
  }

  // ---------------------------------------------------------------- rows

  @Test
  void paramsKeepTheirKeyOrderAndInstantsAreKeptToTheMillisecond() {
    PgTaskStore s = open(server.newDatabase().url());
    ObjectNode params = Json.object().put("zeta", 1).put("alpha", 2).put("mu", "three");
    Instant precise = Instant.parse("2026-12-01T10:00:00.123456789Z");
    TaskState t = await(s.insert(TaskState.newTask("p", "SleepTask", "single", params, precise).build()));
    assertEquals(Instant.parse("2026-12-01T10:00:00.123Z"), t.createdAt());
    TaskState read = await(s.get("p"));
    assertEquals(t, read);
    assertEquals("{\"zeta\":1,\"alpha\":2,\"mu\":\"three\"}", Json.encode(read.params()));
    TaskState running = await(s.claim("single", 1, 1, "n", precise.plusNanos(1))).get(0);
    assertEquals(running, await(s.get("p")));
    Finished done = await(s.finish(finished(running, TaskStatus.DONE, precise.plusMillis(5))));
    assertEquals(done.task(), await(s.get("p")));
  }

  @Test
  void searchScansInChunksAndNarrowsWithSql() {
    PgTaskStore s = open(server.newDatabase().url());
    int n = PgTaskStore.SEARCH_CHUNK * 2 + 345;
    List<String> even = new ArrayList<>();
    List<String> odd = new ArrayList<>();
    onEventLoop(vertx, () -> {
      List<Future<TaskState>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ObjectNode params = Json.object().put("n", i % 2);
        String type = i % 2 == 0 ? "EvenTask" : "OddTask";
        all.add(s.insert(TaskState.newTask("t" + i, type, "multiple", params, T0).build()));
      }
      return Future.all(all);
    });
    // inserted concurrently: seq order is the order the inserts reached the database
    for (TaskState t : await(s.list(TaskQuery.all(n))).tasks()) {
      (t.taskType().equals("EvenTask") ? even : odd).add(t.id());
    }
    assertEquals(even, await(s.search(criteria("{\"n\":0}"))));
    assertEquals(odd, await(s.search(criteria("{\"task_type\":\"OddTask\"}"))));
    assertEquals(odd, await(s.search(criteria("{\"n\":1.0,\"status\":\"queued\"}"))));
    assertEquals(List.of(), await(s.search(criteria("{\"n\":1,\"task_type\":\"EvenTask\"}"))));
    assertEquals(List.of("t7"), await(s.search(criteria("{\"task_id\":\"t7\",\"n\":1}"))));
    assertEquals(List.of(), await(s.search(criteria("{\"task_id\":\"t7\",\"n\":0}"))));
    assertEquals(List.of(), await(s.search(criteria("{\"status\":\"no-such-status\"}"))));
  }

  private static TaskCriteria criteria(String json) {
    try {
      return TaskCriteria.of((ObjectNode) Json.MAPPER.readTree(json));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void metaCanBeRemovedAndEventIdsStayApartFromIt() {
    PostgresServer.Database db = server.newDatabase();
    PgTaskStore s = open(db.url());
    await(s.putMeta("imported", "yes"));
    assertEquals("yes", await(s.meta("imported")));
    await(s.putMeta("imported", null));
    assertNull(await(s.meta("imported")));
    assertEquals(1L, await(s.reserveEventIds(0)));
    assertInstanceOf(IllegalArgumentException.class, failureOf(s.reserveEventIds(-1)));
    // two nodes reserving at once get blocks that never overlap
    PgTaskStore other = open(db.url());
    List<Future<Long>> firsts = new ArrayList<>();
    for (int i = 0; i < 40; i++) firsts.add((i % 2 == 0 ? s : other).reserveEventIds(100));
    Set<Long> starts = new HashSet<>();
    for (Future<Long> f : firsts) starts.add(await(f));
    assertEquals(40, starts.size());
    for (long a : starts) for (long b : starts) assertTrue(a == b || Math.abs(a - b) >= 100);
    assertEquals(4001L, await(other.reserveEventIds(1)));
  }

  @Test
  void describeNamesHostPortAndDatabaseOnly() {
    PgTaskStore s = new PgTaskStore(vertx, PgTaskStore.connectOptions("postgresql://u:secret@db.example:6543/tasks", null),
        2, KEEP_ALL);
    assertEquals("postgresql db.example:6543/tasks", s.describe());
    assertTrue(s.durable());
    assertThrows(IllegalArgumentException.class, () -> new PgTaskStore(vertx, new PgConnectOptions(), 0, KEEP_ALL));
  }

  @Test
  void theStoreLogsInWithScram() {
    assumeTrue(server.canRestart(), "only the throwaway cluster's settings are known");
    assertEquals(0, server.queryLong("postgres",
        "SELECT count(*) FROM pg_hba_file_rules WHERE type LIKE 'host%' AND auth_method <> 'scram-sha-256'"));
    assertEquals(1, server.queryLong("postgres",
        "SELECT count(*) FROM pg_authid WHERE rolname = '" + server.user() + "' AND rolpassword LIKE 'SCRAM-SHA-256$%'"));
  }

  // ---------------------------------------------------------------- the URL

  @Test
  void urlsAreParsedAsLibpqWritesThem() {
    PgConnectOptions o = PgTaskStore.connectOptions("postgresql://brinjal:s3cret@db.internal:6543/tasks", null);
    assertEquals("db.internal", o.getHost());
    assertEquals(6543, o.getPort());
    assertEquals("tasks", o.getDatabase());
    assertEquals("brinjal", o.getUser());
    assertEquals("s3cret", o.getPassword());

    PgConnectOptions short_ = PgTaskStore.connectOptions("postgres://me@localhost/db", null);
    assertEquals(5432, short_.getPort());
    assertEquals("me", short_.getUser());
    assertEquals("", short_.getPassword());

    assertEquals("from-the-environment", PgTaskStore.connectOptions("postgresql://me:in-url@h/db", "from-the-environment")
        .getPassword(), "a separate password wins");
    assertEquals("p@ss/w:rd%", PgTaskStore.connectOptions("postgresql://me:p%40ss%2Fw%3Ard%25@h/db", null).getPassword());
    assertEquals("p@ss", PgTaskStore.connectOptions("postgresql://me:p@ss@h/db", null).getPassword(), "the last @ ends it");
    assertEquals("ünï", PgTaskStore.connectOptions("postgresql://%C3%BCn%C3%AF@h/db", null).getUser());
    PgConnectOptions v6 = PgTaskStore.connectOptions("postgresql://me@[::1]:5433/db", null);
    assertEquals("::1", v6.getHost());
    assertEquals(5433, v6.getPort());
    assertEquals(SslMode.REQUIRE, PgTaskStore.connectOptions("postgresql://me@h/db?sslmode=require", null).getSslMode());
    assertEquals(SslMode.DISABLE, PgTaskStore.connectOptions("POSTGRESQL://me@h/db", null).getSslMode());
  }

  @Test
  void aBadUrlSaysWhatIsWrongWithoutQuotingThePassword() {
    assertBad("mysql://me:hunter2@h/db", "must start with postgresql://");
    assertBad("postgresql://me:hunter2@h", "names no database");
    assertBad("postgresql://me:hunter2@h/", "names no database");
    assertBad("postgresql://h/db", "names no user");
    assertBad("postgresql://me:hunter2@/db", "names no host");
    assertBad("postgresql://me:hunter2@h:99999/db", "port must be a number");
    assertBad("postgresql://me:hunter2@h:port/db", "port must be a number");
    assertBad("postgresql://me:hunter2/db", "'@' between user and host missing");
    assertBad("postgresql://me:hunter2%zz@h/db", "password holds a '%'");
    assertBad("postgresql://me:hunter2@h/db?sslmode=sometimes", "sslmode must be");
    assertBad("postgresql://me:hunter2@h/db?password=hunter2", "unknown parameter password");
    assertBad("", "store.url is empty");
  }

  private static void assertBad(String url, String says) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PgTaskStore.connectOptions(url, null));
    assertTrue(e.getMessage().contains(says), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }
}
