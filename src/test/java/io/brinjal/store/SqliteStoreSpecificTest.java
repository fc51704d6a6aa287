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
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.json.Json;
import io.brinjal.task.TaskStatus;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What only the SQLite store has: its file, its errors, its writer thread. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SqliteStoreSpecificTest {
  private static final BrinjalConfig.Retention KEEP_ALL = new BrinjalConfig.Retention(100_000, 100_000);

  @TempDir Path dir;
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

  private SqliteTaskStore store(Path file) {
    return store(file, KEEP_ALL, SqliteTaskStore.Options.defaults());
  }

  private SqliteTaskStore store(Path file, BrinjalConfig.Retention retention, SqliteTaskStore.Options options) {
    SqliteTaskStore s = new SqliteTaskStore(vertx, file, retention, options);
    opened.add(s);
    return s;
  }

  private SqliteTaskStore open(Path file) {
    SqliteTaskStore s = store(file);
    await(s.open());
    return s;
  }

  private static Connection jdbc(Path file) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
  }

  private static String pragma(Path file, String name) throws SQLException {
    try (Connection c = jdbc(file); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + name)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static StoreOpenException openFailure(SqliteTaskStore store) {
    return assertInstanceOf(StoreOpenException.class, failureOf(store.open()));
  }

  // ---------------------------------------------------------------- opening

  @Test
  void aTextFileIsNotASqliteDatabaseAndIsLeftAlone() throws Exception {
    Path file = dir.resolve("notes.txt");
    Files.writeString(file, "these are my notes, not a database\n");
    StoreOpenException e = openFailure(store(file));
    assertTrue(e.getMessage().startsWith("store.path: " + file.toAbsolutePath()), e.getMessage());
    assertTrue(e.getMessage().contains("is not a SQLite database"), e.getMessage());
    assertEquals("these are my notes, not a database\n", Files.readString(file));
  }

  @Test
  void aForeignSqliteDatabaseIsNotABrinjalStoreAndIsLeftAlone() throws Exception {
    Path file = dir.resolve("invoices.db");
    try (Connection c = jdbc(file); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)");
      st.execute("INSERT INTO invoices (total) VALUES (12.5)");
    }
    StoreOpenException e = openFailure(store(file));
    assertTrue(e.getMessage().startsWith("store.path: " + file.toAbsolutePath()), e.getMessage());
    assertTrue(e.getMessage().contains("is a SQLite database but not a Brinjal task store"), e.getMessage());
    assertEquals("delete", pragma(file, "journal_mode"), "not switched to WAL");
    assertEquals("0", pragma(file, "application_id"));
  }

  @Test
  void aFileWrittenByANewerBrinjalIsRefused() throws Exception {
    Path file = dir.resolve("tasks.db");
    SqliteTaskStore first = open(file);
    await(first.insert(task("single").build()));
    await(first.close());
    try (Connection c = jdbc(file); Statement st = c.createStatement()) {
      st.execute("PRAGMA user_version = " + (SqliteSchema.latest() + 1));
    }
    StoreOpenException e = openFailure(store(file));
    assertTrue(e.getMessage().startsWith("store.path: " + file.toAbsolutePath()), e.getMessage());
    assertTrue(e.getMessage().contains("written by a newer Brinjal"), e.getMessage());
  }

  @Test
  void aFolderThatIsARegularFileCannotBeCreated() throws Exception {
    Path plain = dir.resolve("plain.txt");
    Files.writeString(plain, "x");
    Path file = plain.resolve("sub").resolve("tasks.db");
    StoreOpenException e = openFailure(store(file));
    assertTrue(e.getMessage().startsWith("store.path: " + file.toAbsolutePath()), e.getMessage());
    assertTrue(e.getMessage().contains("cannot create folder"), e.getMessage());
  }

  @Test
  void aMissingFolderIsCreatedAndTheFileIsMarkedAsOurs() throws Exception {
    Path file = dir.resolve("a").resolve("b").resolve("tasks.db");
    SqliteTaskStore s = open(file);
    assertEquals("sqlite " + file.toAbsolutePath(), s.describe());
    assertTrue(s.durable());
    await(s.insert(task("single").build()));
    await(s.close());
    assertEquals(Integer.toString(SqliteSchema.APPLICATION_ID), pragma(file, "application_id"));
    assertEquals(Integer.toString(SqliteSchema.latest()), pragma(file, "user_version"));
    assertEquals("wal", pragma(file, "journal_mode"));
  }

  @Test
  void anEmptyFileBecomesAStore() throws Exception {
    Path file = dir.resolve("empty.db");
    Files.createFile(file);
    SqliteTaskStore s = open(file);
    TaskState t = await(s.insert(task("single").build()));
    assertEquals(t, await(s.get(t.id())));
  }

  @Test
  void aStoreThatFailedToOpenClosesQuietlyAndRefusesWork() throws Exception {
    Path file = dir.resolve("notes.txt");
    Files.writeString(file, "not a database");
    SqliteTaskStore s = store(file);
    openFailure(s);
    assertInstanceOf(StoreUnavailableException.class, failureOf(s.insert(task("single").build())));
    assertInstanceOf(StoreUnavailableException.class, failureOf(s.get("x")));
    await(s.close());
  }

  // ---------------------------------------------------------------- surviving a restart

  @Test
  void everythingSurvivesCloseAndReopenAndTheWalIsCheckpointed() throws Exception {
    Path file = dir.resolve("tasks.db");
    SqliteTaskStore s = open(file);
    ObjectNode results = Json.object().put("answer", 42);
    TaskState a = await(s.insert(task("single").priority(3).runTimeoutMillis(900L).parentId("p").build()));
    TaskState b = await(s.insert(task("single").build()));
    TaskState running = await(s.claim("single", 1, 1, "node-a", T0.plusSeconds(1))).get(0);
    TaskState done = finished(running.next().results(results).progress(100).build(), TaskStatus.DONE, T0.plusSeconds(2));
    await(s.update(running.next().results(results).progress(100).build()));
    await(s.finish(done));
    await(s.saveSchedule("r1", Json.object().put("recurring_id", "r1")));
    await(s.close());
    Path wal = Path.of(file + "-wal");
    assertTrue(!Files.exists(wal) || Files.size(wal) == 0, "the WAL was checkpointed at close");

    SqliteTaskStore again = open(file);
    assertEquals(done, await(again.get(a.id())));
    assertEquals(b, await(again.get(b.id())));
    assertEquals(List.of(a.id(), b.id()), await(again.list(TaskQuery.all(10))).tasks().stream().map(TaskState::id).toList());
    assertEquals(List.of(b.id()), await(again.queued()).stream().map(QueuedTask::id).toList());
    assertEquals("r1", await(again.schedules()).get(0).get("recurring_id").asText());
  }

  @Test
  void seqsAreNeverReusedAfterDeletingTheNewestAndReopening() {
    Path file = dir.resolve("tasks.db");
    SqliteTaskStore s = open(file);
    TaskState a = await(s.insert(task("single").build()));
    TaskState b = await(s.insert(task("single").build()));
    assertEquals(b, await(s.delete(b.id())));
    await(s.close());

    SqliteTaskStore again = open(file);
    assertEquals(b.seq(), await(again.lastSeq()));
    TaskState c = await(again.insert(task("single").build()));
    assertTrue(c.seq() > b.seq(), c.seq() + " after " + b.seq());
    assertTrue(a.seq() < b.seq());
  }

  @Test
  void eventIdBlocksKeepGrowingAcrossReopens() {
    Path file = dir.resolve("tasks.db");
    SqliteTaskStore s = open(file);
    assertEquals(1L, await(s.reserveEventIds(100)));
    assertEquals(101L, await(s.reserveEventIds(50)));
    await(s.close());
    SqliteTaskStore again = open(file);
    assertEquals(151L, await(again.reserveEventIds(1)));
    await(again.close());
    assertEquals(152L, await(open(file).reserveEventIds(1)));
  }

  @Test
  void finishedCountsAreRestoredAtOpenSoRetentionHoldsAcrossRestarts() {
    Path file = dir.resolve("tasks.db");
    BrinjalConfig.Retention keep2 = new BrinjalConfig.Retention(2, 1);
    SqliteTaskStore s = store(file, keep2, SqliteTaskStore.Options.defaults());
    await(s.open());
    List<TaskState> done = new ArrayList<>();
    for (int i = 0; i < 4; i++) await(s.insert(task("multiple").build()));
    List<TaskState> running = await(s.claim("multiple", 10, 10, "node-a", T0));
    for (int i = 0; i < 2; i++) {
      done.add(running.get(i));
      assertEquals(List.of(), await(s.finish(finished(running.get(i), TaskStatus.DONE, T0.plusSeconds(i)))).pruned());
    }
    await(s.close());

    SqliteTaskStore again = store(file, keep2, SqliteTaskStore.Options.defaults());
    await(again.open());
    Finished third = await(again.finish(finished(running.get(2), TaskStatus.DONE, T0.plusSeconds(5))));
    assertEquals(List.of(done.get(0).id()), third.pruned(), "the two kept before the restart count");
    await(again.close());

    // a lower retention after a restart: prune() catches up, in bounded batches
    SqliteTaskStore lower = store(file, new BrinjalConfig.Retention(0, 0), SqliteTaskStore.Options.defaults());
    await(lower.open());
    assertEquals(List.of(done.get(1).id()), await(lower.prune(1)));
    assertEquals(List.of(running.get(2).id()), await(lower.prune(10)));
    assertEquals(List.of(), await(lower.prune(10)));
    assertEquals(1L, await(lower.countByStatus()).get(TaskStatus.RUNNING));
  }

  // ---------------------------------------------------------------- the writer

  @Test
  void aBurstOfWritesIsCommittedInFewBatches() {
    Path file = dir.resolve("tasks.db");
    SqliteTaskStore s = open(file);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    s.bindMetrics(registry);
    int n = 2000;
    long started = System.nanoTime();
    List<TaskState> inserted = onEventLoop(vertx, () -> {
      List<Future<TaskState>> all = new ArrayList<>(n);
      for (int i = 0; i < n; i++) all.add(s.insert(task("multiple").build()));
      return Future.all(all).map(cf -> cf.<TaskState>list());
    });
    double seconds = (System.nanoTime() - started) / 1e9;
    DistributionSummary batches = registry.get("brinjal.store.commit.batch").summary();
    System.out.printf("%d inserts at once: %d commits, %.1f writes per commit on average, max %.0f, %.0f inserts/s%n",
        n, batches.count(), batches.mean(), batches.max(), n / seconds);
    assertEquals(n, inserted.size());
    assertEquals(n, Set.copyOf(inserted.stream().map(TaskState::seq).toList()).size());
    assertEquals(n, (long) batches.totalAmount(), "every write went through a commit");
    assertTrue(batches.count() <= n / 4, batches.count() + " commits for " + n + " writes");
    assertEquals(batches.count(), registry.get("brinjal.store.commit").timer().count());
    assertEquals(0.0, registry.get("brinjal.store.write.failures").counter().count());
    assertEquals(0.0, registry.get("brinjal.store.queue").gauge().value());
    assertEquals((long) n, await(s.countByStatus()).get(TaskStatus.QUEUED));
  }

  /**
   * Holds the writer thread (with control work queued now) until the answer is run: the writes
   * queued meanwhile are then taken together, in one batch.
   */
  private static Runnable holdWriter(SqliteTaskStore s) {
    CountDownLatch release = new CountDownLatch(1);
    s.writer().control(c -> {
      release.await();
      return null;
    }, false);
    return release::countDown;
  }

  private static Object outcome(Future<?> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (Throwable e) {
      return e;
    }
  }

  @Test
  void aWriteThatFailsFailsAloneInItsBatch() {
    SqliteTaskStore s = open(dir.resolve("tasks.db"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    s.bindMetrics(registry);
    TaskState existing = await(s.insert(task("single").build()));
    TaskState running = await(s.claim("single", 1, 1, "node-a", T0)).get(0);
    TaskState a = task("single").build();
    TaskState b = task("single").build();

    Runnable release = holdWriter(s);
    List<Future<?>> batch = List.of(
        s.insert(a),
        s.insert(a.toBuilder().heading("the same id again").build()),
        s.update(existing.toBuilder().heading("a stale version").build()),
        s.finish(finished(running, TaskStatus.DONE, T0.plusSeconds(1))),
        s.recover(null, t -> t.next().build()), // nothing holds a permit any more: a no-op
        s.recover(null, t -> t), // would answer the same version: refused, but there is nothing to recover
        s.insert(b));
    release.run();
    List<Object> outcomes = batch.stream().map(SqliteStoreSpecificTest::outcome).toList();

    assertEquals(a.id(), ((TaskState) outcomes.get(0)).id());
    assertInstanceOf(IllegalArgumentException.class, outcomes.get(1));
    assertInstanceOf(StaleStateException.class, outcomes.get(2));
    assertEquals(TaskStatus.DONE, ((Finished) outcomes.get(3)).task().status());
    assertEquals(List.of(), outcomes.get(4));
    assertEquals(List.of(), outcomes.get(5));
    assertEquals(b.id(), ((TaskState) outcomes.get(6)).id());
    DistributionSummary batches = registry.get("brinjal.store.commit.batch").summary();
    assertEquals(7.0, batches.max(), "the seven writes were committed together");
    assertNull(await(s.get(a.id())).heading(), "the failed duplicate changed nothing");
    assertEquals(2L, await(s.countByStatus()).get(TaskStatus.QUEUED));
    assertEquals(TaskStatus.DONE, await(s.get(existing.id())).status());
  }

  @Test
  void aFullDiskFailsTheWholeBatchAndTheStoreRecoversOnceThereIsRoomAgain() {
    SqliteTaskStore s = open(dir.resolve("tasks.db"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    s.bindMetrics(registry);
    TaskState a = await(s.insert(task("single").build()));
    // the file may grow by two pages at most, as if the disk were full
    await(s.writer().control(c -> c.queryText("PRAGMA max_page_count = " + (c.queryLong("PRAGMA page_count") + 2)), false));
    ObjectNode big = Json.object().put("blob", "x".repeat(200_000));
    TaskState small = task("single").build();
    TaskState large = TaskState.newTask(UUID.randomUUID().toString(), "SleepTask", "single", big, T0).build();

    Runnable release = holdWriter(s);
    Future<TaskState> smallInsert = s.insert(small);
    Future<TaskState> update = s.update(a.next().heading("changed").build());
    Future<TaskState> largeInsert = s.insert(large);
    release.run();
    for (Future<?> f : List.of(smallInsert, update, largeInsert)) {
      StoreUnavailableException e = assertInstanceOf(StoreUnavailableException.class, failureOf(f));
      assertTrue(e.getMessage().startsWith(s.describe() + ": "), e.getMessage());
      assertTrue(e.getMessage().contains("SQLITE_FULL"), e.getMessage());
    }
    assertEquals(1.0, registry.get("brinjal.store.write.failures").counter().count());
    assertNull(await(s.get(small.id())), "nothing of the failed batch is visible");
    assertEquals(a, await(s.get(a.id())));

    await(s.writer().control(c -> c.queryText("PRAGMA max_page_count = 4294967294"), false));
    assertEquals(large.params(), await(s.insert(large)).params());
    assertEquals(2, await(s.update(a.next().heading("changed").build())).version());
    assertEquals(2L, await(s.countByStatus()).get(TaskStatus.QUEUED));
  }

  @Test
  void aFileLockedByAnotherProgramCannotBeOpened() throws Exception {
    Path file = dir.resolve("tasks.db");
    await(open(file).close());
    try (Connection other = jdbc(file); Statement st = other.createStatement()) {
      st.execute("BEGIN EXCLUSIVE");
      StoreOpenException e = openFailure(store(file, KEEP_ALL, new SqliteTaskStore.Options(200, true)));
      assertTrue(e.getMessage().startsWith("store.path: " + file.toAbsolutePath()), e.getMessage());
      assertTrue(e.getMessage().contains("is locked by another program"), e.getMessage());
      st.execute("ROLLBACK");
    }
    await(store(file, KEEP_ALL, new SqliteTaskStore.Options(200, true)).open());
  }

  @Test
  void aWriteWhileAnotherProgramHoldsTheLockFailsThenWorksAgainOnceItIsReleased() throws Exception {
    Path file = dir.resolve("tasks.db");
    SqliteTaskStore s = store(file, KEEP_ALL, new SqliteTaskStore.Options(200, true));
    await(s.open());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    s.bindMetrics(registry);
    TaskState a = await(s.insert(task("single").build()));
    TaskState b = task("single").build();

    try (Connection other = jdbc(file); Statement st = other.createStatement()) {
      st.execute("BEGIN EXCLUSIVE");
      Future<TaskState> insert = s.insert(b);
      Future<TaskState> update = s.update(a.next().heading("while locked").build());
      StoreUnavailableException e = assertInstanceOf(StoreUnavailableException.class, failureOf(insert));
      assertTrue(e.getMessage().contains(s.describe()), e.getMessage());
      assertTrue(e.getMessage().contains("SQLITE_BUSY"), e.getMessage());
      assertInstanceOf(StoreUnavailableException.class, failureOf(update));
      assertEquals(a, await(s.get(a.id())), "reads go on while another program writes");
      st.execute("ROLLBACK");
    }

    assertNull(await(s.get(b.id())), "nothing of the failed writes is visible");
    assertEquals(a, await(s.get(a.id())));
    assertTrue(registry.get("brinjal.store.write.failures").counter().count() >= 1);
    TaskState stored = await(s.insert(b));
    assertEquals(b.id(), stored.id());
    assertEquals(2, await(s.update(a.next().heading("after the lock").build())).version());
    assertEquals("after the lock", await(s.get(a.id())).heading());
  }

  // ---------------------------------------------------------------- reads

  @Test
  void searchScansInChunksAndNarrowsWithSql() {
    SqliteTaskStore s = open(dir.resolve("tasks.db"));
    int n = SqliteTaskStore.SEARCH_CHUNK * 2 + 345;
    List<String> even = new ArrayList<>();
    List<String> odd = new ArrayList<>();
    onEventLoop(vertx, () -> {
      List<Future<TaskState>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ObjectNode params = Json.object().put("n", i % 2);
        String type = i % 2 == 0 ? "EvenTask" : "OddTask";
        all.add(s.insert(TaskState.newTask("t" + i, type, "multiple", params, T0).build()));
        (i % 2 == 0 ? even : odd).add("t" + i);
      }
      return Future.all(all);
    });
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
  void instantsAreKeptToTheMillisecondAndAnswersEqualWhatIsRead() {
    SqliteTaskStore s = open(dir.resolve("tasks.db"));
    Instant precise = Instant.parse("2026-12-01T10:00:00.123456789Z");
    TaskState t = await(s.insert(TaskState.newTask("p", "SleepTask", "single", Json.object(), precise).build()));
    assertEquals(Instant.parse("2026-12-01T10:00:00.123Z"), t.createdAt());
    assertEquals(t, await(s.get("p")));
    TaskState running = await(s.claim("single", 1, 1, "n", precise.plusNanos(1))).get(0);
    assertEquals(running, await(s.get("p")));
    Finished done = await(s.finish(finished(running, TaskStatus.DONE, precise.plusMillis(5))));
    assertEquals(done.task(), await(s.get("p")));
  }

  @Test
  void metaCanBeRemovedAndEventIdsStayApart() {
    SqliteTaskStore s = open(dir.resolve("tasks.db"));
    await(s.putMeta("imported", "yes"));
    assertEquals("yes", await(s.meta("imported")));
    await(s.putMeta("imported", null));
    assertNull(await(s.meta("imported")));
    assertEquals(0L, await(s.reserveEventIds(0)) - 1);
    assertInstanceOf(IllegalArgumentException.class, failureOf(s.reserveEventIds(-1)));
  }

  @Test
  void theHotStatementsUseTheirIndexes() throws Exception {
    Path file = dir.resolve("tasks.db");
    await(open(file).close());
    Map<String, String> expected = Map.ofEntries(
        Map.entry(SqliteTaskStore.NEXT_QUEUED, "tasks_queued"),
        Map.entry(SqliteTaskStore.COUNT_HOLDING, "tasks_holding"),
        // two ranges of the status index serve as well as the partial index
        Map.entry(SqliteTaskStore.HOLDING, "tasks_holding|tasks_status"),
        Map.entry(SqliteTaskStore.HOLDING_OF_OWNER, "tasks_holding|tasks_status"),
        Map.entry(SqliteTaskStore.OLDEST_DONE, "tasks_done"),
        Map.entry(SqliteTaskStore.OLDEST_FAILED, "tasks_failed"),
        Map.entry(SqliteTaskStore.COUNT_DONE, "tasks_done|tasks_status"),
        Map.entry(SqliteTaskStore.COUNT_FAILED, "tasks_failed|tasks_status"),
        Map.entry(SqliteTaskStore.FIRST_BY_STATUS, "tasks_status"),
        Map.entry(SqliteTaskStore.LIST_STATUS, "tasks_status"),
        Map.entry(SqliteTaskStore.LIST_STATUS_SEQS, "tasks_status"),
        Map.entry(SqliteTaskStore.QUEUED, "tasks_queued"),
        Map.entry(SqliteTaskStore.LINE, "tasks_queued"),
        Map.entry(SqliteTaskStore.HOLDERS, "tasks_holding"),
        Map.entry(SqliteTaskStore.BY_ID, "sqlite_autoindex_tasks_1"),
        Map.entry(SqliteTaskStore.VERSION_BY_ID, "sqlite_autoindex_tasks_1"));
    try (Connection c = jdbc(file)) {
      for (Map.Entry<String, String> e : expected.entrySet()) {
        String plan = plan(c, e.getKey());
        assertTrue(java.util.regex.Pattern.compile(e.getValue()).matcher(plan).find(), e.getKey() + "\n" + plan);
        assertFalse(plan.matches("(?s).*SCAN tasks(?! USING).*"), "a full table scan: " + e.getKey() + "\n" + plan);
      }
      for (String bySeq : List.of(SqliteTaskStore.BY_SEQ, SqliteTaskStore.LIST, SqliteTaskStore.DELETE_BY_SEQ)) {
        assertTrue(plan(c, bySeq).contains("INTEGER PRIMARY KEY"), bySeq + "\n" + plan(c, bySeq));
      }
    }
  }

  private static String plan(Connection c, String sql) throws SQLException {
    int parameters = (int) sql.chars().filter(ch -> ch == '?').count();
    try (var ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
      for (int i = 1; i <= parameters; i++) ps.setString(i, "x");
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) plan.append(rs.getString("detail")).append('\n');
      }
      return plan.toString();
    }
  }

  @Test
  void optionsAndDescription() {
    assertEquals(new SqliteTaskStore.Options(5000, true), SqliteTaskStore.Options.defaults());
    SqliteTaskStore s = store(dir.resolve("x.db"));
    assertEquals("sqlite " + dir.resolve("x.db").toAbsolutePath(), s.describe());
    assertEquals(dir.resolve("x.db").toAbsolutePath(), s.file());
    assertTrue(s.durable());
  }
}
