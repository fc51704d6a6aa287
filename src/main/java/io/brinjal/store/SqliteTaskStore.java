package io.brinjal.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.json.Json;
import io.brinjal.loop.Loop;
import io.brinjal.task.TaskStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tasks in an embedded SQLite file ({@code store.type} {@code sqlite}): durable, one node.
 *
 * <p>The file is in WAL mode with {@code synchronous=FULL}: a commit is on disk when it returns.
 * All writes go through one thread ({@link GroupCommitWriter}) that commits whatever is queued
 * together, so a burst of writes costs one fsync per batch rather than one per write; a write's
 * future completes only after its commit, which is what "durable before visible" asks. Reads run
 * on a small worker pool with read-only connections of their own, so they never wait for a
 * commit, and see committed data only. No JDBC call ever runs on an event loop.
 *
 * <p>The writer thread also keeps, in memory, how many finished tasks of each kind are stored
 * (counted at open, then adjusted by every write), so that pruning to the retention needs no
 * COUNT per write.
 */
public final class SqliteTaskStore implements TaskStore {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteTaskStore.class);
  private static final AtomicLong INSTANCES = new AtomicLong();

  /** Rows read per query by {@link #search}, so memory stays bounded whatever the table holds. */
  static final int SEARCH_CHUNK = 1000;

  private static final String NEXT_EVENT_ID = "next_event_id";

  /**
   * @param busyTimeoutMillis how long a statement waits for a lock held by another program
   *     before the write fails with {@link StoreUnavailableException}
   * @param synchronousFull {@code synchronous=FULL} (every commit survives a power loss) rather
   *     than {@code NORMAL} (survives a crash of the process, may lose the last commits on power loss)
   */
  public record Options(int busyTimeoutMillis, boolean synchronousFull) {
    public Options {
      if (busyTimeoutMillis < 0) throw new IllegalArgumentException("busyTimeoutMillis must not be negative");
    }

    public static Options defaults() {
      return new Options(5000, true);
    }
  }

  // ---------------------------------------------------------------- SQL (package-private: the tests check their plans)

  /**
   * A keyed task takes its turn (fair_tag) right after its key's last waiting one; the first
   * waiting task of a key takes the turn at the head of the line (a key that arrives late joins
   * the current round, not the back), or, with nobody waiting, its own seq. Turns are on the
   * scale of seqs, so a task without a key (its turn is its seq) waits by arrival among them; it
   * costs no lookup.
   */
  static final String INSERT = "INSERT INTO tasks (id, " + SqliteRows.FIELDS + ", fair_tag) VALUES (?, "
      + SqliteRows.PLACEHOLDERS + ", CASE WHEN ? = '' THEN NULL ELSE coalesce("
      + "(SELECT max(fair_tag) + 1 FROM tasks INDEXED BY tasks_queued_keys WHERE semaphore = ? "
      + "AND status = 'queued' AND concurrency_key = ? AND fair_tag IS NOT NULL), "
      + "(SELECT coalesce(fair_tag, seq) FROM tasks INDEXED BY tasks_queued WHERE semaphore = ? "
      + "AND status = 'queued' ORDER BY priority DESC, coalesce(fair_tag, seq), seq LIMIT 1), "
      + "(SELECT coalesce(max(seq), 0) + 1 FROM tasks)) END) RETURNING seq, fair_tag";
  static final String UPDATE = "UPDATE tasks SET " + SqliteRows.MUTABLE_ASSIGNMENTS + " WHERE seq = ? AND version = ?";
  static final String BY_ID = "SELECT " + SqliteRows.COLUMNS + " FROM tasks WHERE id = ?";
  static final String BY_SEQ = "SELECT " + SqliteRows.COLUMNS + " FROM tasks WHERE seq = ?";
  static final String VERSION_BY_ID = "SELECT seq, version, status FROM tasks WHERE id = ?";
  /**
   * The usual replace in one statement: the stored task is at the expected version and not
   * finished, so the finished counts only change by what it becomes.
   */
  static final String UPDATE_UNFINISHED = "UPDATE tasks SET " + SqliteRows.MUTABLE_ASSIGNMENTS
      + " WHERE id = ? AND version = ? AND status NOT IN ('done', 'failed', 'cancelled')";
  static final String DELETE_BY_SEQ = "DELETE FROM tasks WHERE seq = ?";
  // the hot statements name their index: without statistics (no ANALYZE) the planner may prefer
  // tasks_status and sort, which is O(rows of that status) rather than O(log n)
  /** Holders of a semaphore: their own, or one of their extra ones (all holders are few: a scan of the index is cheap). */
  static final String COUNT_HOLDING = "SELECT COUNT(*) FROM tasks INDEXED BY tasks_holding WHERE status IN "
      + "('running', 'cancelling') AND (semaphore = ? OR (extra_semaphores <> '' "
      + "AND instr(',' || extra_semaphores || ',', ',' || ? || ',') > 0))";
  static final String NEXT_QUEUED = "SELECT " + SqliteRows.COLUMNS
      + " FROM tasks INDEXED BY tasks_queued WHERE semaphore = ? AND status = 'queued' AND extra_semaphores = '' "
      + "ORDER BY priority DESC, coalesce(fair_tag, seq), seq LIMIT ?";
  /** What decides whether a holder leaves room: the semaphores it holds and its key. */
  static final String HOLDERS = "SELECT semaphore, extra_semaphores, concurrency_key FROM tasks INDEXED BY tasks_holding "
      + "WHERE status IN ('running', 'cancelling')";
  /** A semaphore's waiting line, in claim order, with what decides whether each task fits. */
  static final String LINE = "SELECT seq, extra_semaphores, concurrency_key FROM tasks INDEXED BY tasks_queued "
      + "WHERE semaphore = ? AND status = 'queued' ORDER BY priority DESC, coalesce(fair_tag, seq), seq LIMIT ?";
  static final String CLAIM = "UPDATE tasks SET status = 'running', version = ?, owner = ?, started_at = ?, attempt = ?, "
      + "cancel_requested = 0 WHERE seq = ? AND version = ?";
  static final String DUE = "SELECT " + SqliteRows.COLUMNS + " FROM tasks INDEXED BY tasks_scheduled "
      + "WHERE status = 'scheduled' AND run_at <= ? ORDER BY run_at, seq LIMIT ?";
  static final String NEXT_RUN_AT =
      "SELECT run_at FROM tasks INDEXED BY tasks_scheduled WHERE status = 'scheduled' ORDER BY run_at, seq LIMIT 1";
  static final String OLDEST_DONE = "SELECT seq, id, completed_at FROM tasks INDEXED BY tasks_done "
      + "WHERE status = 'done' ORDER BY completed_at, seq LIMIT ?";
  static final String OLDEST_FAILED = "SELECT seq, id, completed_at FROM tasks INDEXED BY tasks_failed "
      + "WHERE status IN ('failed', 'cancelled') ORDER BY completed_at, seq LIMIT ?";
  static final String COUNT_DONE = "SELECT COUNT(*) FROM tasks WHERE status = 'done'";
  static final String COUNT_FAILED = "SELECT COUNT(*) FROM tasks WHERE status IN ('failed', 'cancelled')";
  static final String FIRST_BY_STATUS = "SELECT seq, id FROM tasks WHERE status = ? ORDER BY seq LIMIT ?";
  static final String HOLDING = "SELECT " + SqliteRows.COLUMNS
      + " FROM tasks WHERE status IN ('running', 'cancelling') ORDER BY seq";
  static final String HOLDING_OF_OWNER = "SELECT " + SqliteRows.COLUMNS
      + " FROM tasks WHERE status IN ('running', 'cancelling') AND owner = ? ORDER BY seq";
  static final String QUEUED = "SELECT id, semaphore, priority, seq, parent_id, concurrency_key, extra_semaphores "
      + "FROM tasks INDEXED BY tasks_queued WHERE status = 'queued' ORDER BY priority DESC, coalesce(fair_tag, seq), seq";
  static final String LIST = "SELECT " + SqliteRows.COLUMNS + " FROM tasks WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?";
  static final String LIST_STATUS = "SELECT " + SqliteRows.COLUMNS
      + " FROM tasks WHERE status = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?";
  static final String LIST_STATUS_SEQS =
      "SELECT seq FROM tasks WHERE status = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?";
  static final String COUNT_BY_STATUS = "SELECT status, COUNT(*) FROM tasks GROUP BY status";
  /** AUTOINCREMENT keeps the highest seq ever assigned here, whether or not that row still exists. */
  static final String LAST_SEQ = "SELECT seq FROM sqlite_sequence WHERE name = 'tasks'";
  static final String META_GET = "SELECT value FROM meta WHERE key = ?";
  static final String META_PUT =
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
  static final String META_DELETE = "DELETE FROM meta WHERE key = ?";
  static final String KEY_GET = "SELECT key, fingerprint, task_id, expires_at FROM idempotency_keys WHERE key = ?";
  static final String KEY_PUT = "INSERT INTO idempotency_keys (key, fingerprint, task_id, expires_at) VALUES (?, ?, ?, ?) "
      + "ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, task_id = excluded.task_id, "
      + "expires_at = excluded.expires_at";
  static final String KEYS_EXPIRED_DELETE = "DELETE FROM idempotency_keys WHERE key IN "
      + "(SELECT key FROM idempotency_keys INDEXED BY idempotency_keys_expiry WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)";
  static final String SCHEDULES = "SELECT id, definition FROM schedules ORDER BY pos";
  static final String SCHEDULE_PUT = "INSERT INTO schedules (id, definition) VALUES (?, ?) "
      + "ON CONFLICT (id) DO UPDATE SET definition = excluded.definition";
  static final String SCHEDULE_DELETE = "DELETE FROM schedules WHERE id = ?";

  private final Vertx vertx;
  private final Path file;
  private final BrinjalConfig.Retention retention;
  private final Options options;
  private final String name;
  private final GroupCommitWriter writer;

  private volatile WorkerExecutor readExecutor;
  private volatile SqliteReadPool readPool;
  private StoreFileLock fileLock; // writer thread only
  private boolean openCalled; // guarded by this
  private Future<Void> closing; // guarded by this
  private boolean metricsBound; // guarded by this

  // ---- writer thread only: finished tasks stored, by kind ----
  private long doneCount;
  private long failedCount; // failed and cancelled
  private boolean countsStale = true;

  public SqliteTaskStore(Vertx vertx, Path file, BrinjalConfig.Retention retention, Options options) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.file = file.toAbsolutePath().normalize();
    this.retention = Objects.requireNonNull(retention, "retention");
    this.options = Objects.requireNonNull(options, "options");
    this.name = "sqlite " + this.file;
    this.writer = new GroupCommitWriter(name, new Counts());
  }

  /** The writer (for tests that need to act on the write connection, in queue order). */
  GroupCommitWriter writer() {
    return writer;
  }

  /** The file the store keeps its tasks in (absolute). */
  public Path file() {
    return file;
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public Future<Void> open() {
    synchronized (this) {
      if (openCalled) return Future.failedFuture(new IllegalStateException(name + " is opened already"));
      openCalled = true;
    }
    readExecutor = vertx.createSharedWorkerExecutor("brinjal-store-read-" + INSTANCES.incrementAndGet(), 2);
    readPool = new SqliteReadPool(file, options, name);
    writer.start();
    return writer.control(c -> {
      SqliteConnection connection = null;
      try {
        SqliteSchema.checkPlace(file, "store.path: " + file);
        fileLock = StoreFileLock.acquire(file, "store.path: " + file); // before anything is migrated or recovered
        connection = SqliteSchema.openWriter(file, options);
        recount(connection);
      } catch (Exception e) {
        if (connection != null) connection.close();
        if (fileLock != null) fileLock.close();
        writer.stopAfterThis();
        closeReads();
        throw e instanceof StoreOpenException ? e
            : new StoreOpenException("store.path: " + file + " cannot be opened: " + SqliteConnection.reason(e), e);
      }
      writer.connection(connection);
      return null;
    }, false);
  }

  @Override
  public Future<Void> close() {
    synchronized (this) {
      if (closing != null) return closing;
      Context caller = Vertx.currentContext();
      Promise<Void> closed = Promise.promise();
      closing = closed.future();
      Future<Void> writerDone = writer.started()
          ? writer.control(c -> {
              shutDownOnWriter(c);
              return null;
            }, true)
          : Future.succeededFuture();
      // a failure here means the writer had already stopped (a failed open): nothing is left to store
      writerDone.onComplete(ar -> {
        closeReads().onComplete(v -> Loop.answer(caller, () -> closed.complete()));
      });
      return closing;
    }
  }

  /** On the writer thread, after every write queued before close(): release the file. */
  private void shutDownOnWriter(SqliteConnection c) {
    SqliteReadPool pool = readPool;
    if (pool != null) pool.close();
    if (c == null) return;
    try {
      c.queryText("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (SQLException e) {
      LOG.warn("{}: could not checkpoint the WAL at close (it is replayed at the next open): {}", name,
          SqliteConnection.reason(e));
    }
    c.close();
    writer.connection(null);
    if (fileLock != null) fileLock.close();
  }

  private Future<Void> closeReads() {
    SqliteReadPool pool = readPool;
    if (pool != null) pool.close();
    WorkerExecutor executor = readExecutor;
    readExecutor = null;
    return executor == null ? Future.succeededFuture() : executor.close().recover(e -> Future.succeededFuture());
  }

  @Override
  public String describe() {
    return name;
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public void bindMetrics(MeterRegistry registry) {
    synchronized (this) {
      if (metricsBound) return;
      metricsBound = true;
    }
    DistributionSummary batch = DistributionSummary.builder("brinjal.store.commit.batch")
        .description("Writes stored by one commit of the store (group commit)")
        .baseUnit("operations")
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
        .register(registry);
    Timer commit = Timer.builder("brinjal.store.commit")
        .description("Time of one write transaction of the store, BEGIN to COMMIT, fsync included")
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(1000))
        .register(registry);
    Counter failures = Counter.builder("brinjal.store.write.failures")
        .description("Write transactions the store could not commit (every write in them failed)")
        .register(registry);
    Gauge.builder("brinjal.store.queue", writer, GroupCommitWriter::queued)
        .description("Writes waiting for the store's writer thread")
        .strongReference(true)
        .register(registry);
    writer.bind(new GroupCommitWriter.Metrics(batch, commit, failures));
  }

  // ---------------------------------------------------------------- writes

  @Override
  public Future<TaskState> insert(TaskState task) {
    return EncodedTask.forNewTask(task, null).compose(e -> writer.submitOneWrite(c -> insertOn(c, e)));
  }

  private static TaskState insertOn(SqliteConnection c, EncodedTask e) throws SQLException {
    PreparedStatement ps = c.prepare(INSERT);
    ps.setString(1, e.state().id());
    int i = SqliteRows.bind(ps, 2, e);
    String key = EncodedTask.keyColumn(e.state().concurrencyKey());
    ps.setString(i++, key);
    ps.setString(i++, e.state().semaphore());
    ps.setString(i++, key);
    ps.setString(i, e.state().semaphore());
    long seq;
    long fairTag;
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) throw new IllegalStateException("INSERT … RETURNING answered no row");
      seq = rs.getLong(1);
      fairTag = rs.getLong(2);
      if (rs.wasNull()) fairTag = TaskState.NO_TAG;
    } catch (SQLException ex) {
      if (SqliteConnection.primaryCode(ex) == SqliteConnection.SQLITE_CONSTRAINT) {
        throw new IllegalArgumentException("task " + e.state().id() + " exists already");
      }
      throw ex;
    }
    return e.state().inserted(seq, fairTag);
  }

  @Override
  public Future<KeyedInsert> insertOnce(TaskState task, IdempotencyKey key, Instant now) {
    return EncodedTask.forNewTask(task, key).compose(e -> insertOnce(e, key, now));
  }

  private Future<KeyedInsert> insertOnce(EncodedTask e, IdempotencyKey key, Instant now) {
    long nowMillis = now.toEpochMilli();
    return writer.submit(c -> { // several statements: a savepoint keeps a refused insert from leaving the key
      IdempotencyKey earlier = keyOn(c, key.key());
      if (earlier != null && earlier.liveAt(now)) return KeyedInsert.earlier(earlier);
      TaskState stored = insertOn(c, e);
      PreparedStatement put = c.prepare(KEY_PUT);
      put.setString(1, key.key());
      put.setString(2, key.fingerprint());
      put.setString(3, key.taskId());
      put.setLong(4, key.expiresAt().toEpochMilli());
      put.executeUpdate();
      PreparedStatement expired = c.prepare(KEYS_EXPIRED_DELETE);
      expired.setLong(1, nowMillis);
      expired.setInt(2, EXPIRED_KEYS_PER_INSERT);
      expired.executeUpdate();
      return KeyedInsert.inserted(stored);
    });
  }

  @Override
  public Future<IdempotencyKey> idempotencyKey(String key, Instant now) {
    return read(false, c -> {
      IdempotencyKey k = keyOn(c, key);
      return k != null && k.liveAt(now) ? k : null;
    });
  }

  private static IdempotencyKey keyOn(SqliteConnection c, String key) throws SQLException {
    PreparedStatement ps = c.prepare(KEY_GET);
    ps.setString(1, key);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next()
          ? new IdempotencyKey(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)))
          : null;
    }
  }

  @Override
  public Future<List<TaskState>> claim(String semaphore, PermitLimits limits, int max, String owner, Instant now) {
    Objects.requireNonNull(semaphore, "semaphore");
    Instant startedAt = EncodedTask.toMillis(now);
    // no savepoint: past its reads a claim can only fail as the store does, which rolls back the batch
    return writer.submitOneWrite(c -> {
      if (max <= 0) return List.of();
      List<TaskState> waiting = limits.needsCheckedClaim(semaphore)
          ? fittingOn(c, semaphore, limits, max)
          : firstInLineOn(c, semaphore, limits.limitOf(semaphore), max);
      List<TaskState> claimed = new ArrayList<>(waiting.size());
      PreparedStatement update = c.prepare(CLAIM);
      for (TaskState t : waiting) {
        TaskState running = t.next().status(TaskStatus.RUNNING).owner(owner).startedAt(startedAt)
            .attempt(t.attempt() + 1).cancelRequested(false).build();
        update.setLong(1, running.version());
        update.setString(2, owner);
        SqliteRows.setMillis(update, 3, startedAt);
        update.setInt(4, running.attempt());
        update.setLong(5, t.seq());
        update.setLong(6, t.version());
        if (update.executeUpdate() != 1) { // cannot happen with one writer; if it does, undo the whole batch
          throw new SQLException("task " + t.id() + " changed while claimed");
        }
        claimed.add(running);
      }
      return claimed;
    });
  }

  /** The first waiting tasks of a semaphore that nothing but its own limit holds back. */
  private List<TaskState> firstInLineOn(SqliteConnection c, String semaphore, int limit, int max) throws SQLException {
    PreparedStatement count = c.prepare(COUNT_HOLDING);
    count.setString(1, semaphore);
    count.setString(2, semaphore);
    long held;
    try (ResultSet rs = count.executeQuery()) {
      held = rs.next() ? rs.getLong(1) : 0;
    }
    long room = Math.min(max, limit - held);
    if (room <= 0) return List.of();
    PreparedStatement next = c.prepare(NEXT_QUEUED);
    next.setString(1, semaphore);
    next.setLong(2, room);
    return readTasks(next);
  }

  /**
   * The waiting tasks, in line order, that fit under every limit they are subject to (see
   * {@link PermitCounts}): counted from every holder, and read from the line lazily (only the
   * columns that decide; whole rows only for those taken).
   */
  private List<TaskState> fittingOn(SqliteConnection c, String semaphore, PermitLimits limits, int max)
      throws SQLException {
    PermitCounts counts = new PermitCounts();
    try (ResultSet rs = c.prepare(HOLDERS).executeQuery()) {
      while (rs.next()) counts.add(rs.getString(1), EncodedTask.splitNames(rs.getString(2)), EncodedTask.keyOf(rs.getString(3)));
    }
    List<Long> chosen = new ArrayList<>();
    PreparedStatement line = c.prepare(LINE);
    line.setString(1, semaphore);
    line.setInt(2, CLAIM_SCAN);
    try (ResultSet rs = line.executeQuery()) {
      while (counts.roomFor(semaphore, chosen.size(), max, limits) && rs.next()) {
        if (counts.take(semaphore, EncodedTask.splitNames(rs.getString(2)), EncodedTask.keyOf(rs.getString(3)), limits)) {
          chosen.add(rs.getLong(1));
        }
      }
    }
    List<TaskState> tasks = new ArrayList<>(chosen.size());
    PreparedStatement bySeq = c.prepare(BY_SEQ);
    for (long seq : chosen) {
      bySeq.setLong(1, seq);
      tasks.addAll(readTasks(bySeq));
    }
    return tasks;
  }

  @Override
  public Future<List<TaskState>> promoteDue(Instant now, int max) {
    long nowMillis = now.toEpochMilli();
    return writer.submitOneWrite(c -> { // like claim: fails only as the whole batch does
      if (max <= 0) return List.of();
      PreparedStatement due = c.prepare(DUE);
      due.setLong(1, nowMillis);
      due.setInt(2, max);
      List<TaskState> promoted = new ArrayList<>();
      for (TaskState t : readTasks(due)) {
        EncodedTask e = EncodedTask.forUpdate(t.next().scheduledAt(null).build());
        write(c, t.seq(), t.version(), e);
        promoted.add(e.state());
      }
      return promoted;
    });
  }

  @Override
  public Future<Instant> nextRunAt() {
    return read(false, c -> {
      try (ResultSet rs = c.prepare(NEXT_RUN_AT).executeQuery()) {
        return rs.next() ? Instant.ofEpochMilli(rs.getLong(1)) : null;
      }
    });
  }

  @Override
  public Future<TaskState> update(TaskState next) {
    if (next.isTerminal()) {
      return Future.failedFuture(new IllegalArgumentException("terminal states are written with finish()"));
    }
    EncodedTask e;
    try {
      e = EncodedTask.forUpdate(next);
    } catch (RuntimeException ex) {
      return Future.failedFuture(ex);
    }
    return writer.submitOneWrite(c -> {
      replace(c, e);
      return e.state();
    });
  }

  @Override
  public Future<Finished> finish(TaskState terminal) {
    if (!terminal.isTerminal()) {
      return Future.failedFuture(new IllegalArgumentException("finish() takes a terminal state"));
    }
    EncodedTask e;
    try {
      e = EncodedTask.forUpdate(terminal);
    } catch (RuntimeException ex) {
      return Future.failedFuture(ex);
    }
    return writer.submitOneWrite(c -> { // pruning after the write fails only as the whole batch does
      replace(c, e);
      return new Finished(e.state(), pruneOnWriter(c, MemoryTaskStore.PRUNE_BATCH));
    });
  }

  @Override
  public Future<List<String>> prune(int max) {
    return writer.submit(c -> pruneOnWriter(c, max));
  }

  @Override
  public Future<TaskState> delete(String id) {
    return writer.submit(c -> {
      TaskState gone = byId(c, id);
      if (gone != null) {
        deleteSeq(c, gone.seq());
        counted(gone.status(), null);
      }
      return gone;
    });
  }

  @Override
  public Future<List<String>> deleteFinished(int max) {
    return writer.submit(c -> {
      if (max <= 0) return List.of();
      record Oldest(long seq, String id, TaskStatus status) {}
      List<Oldest> oldest = new ArrayList<>();
      PreparedStatement ps = c.prepare(FIRST_BY_STATUS);
      for (TaskStatus status : List.of(TaskStatus.DONE, TaskStatus.FAILED, TaskStatus.CANCELLED)) {
        ps.setString(1, status.wire());
        ps.setInt(2, max);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) oldest.add(new Oldest(rs.getLong(1), rs.getString(2), status));
        }
      }
      oldest.sort(Comparator.comparingLong(Oldest::seq));
      List<String> ids = new ArrayList<>(Math.min(max, oldest.size()));
      for (Oldest o : oldest.subList(0, Math.min(max, oldest.size()))) {
        deleteSeq(c, o.seq());
        counted(o.status(), null);
        ids.add(o.id());
      }
      return ids;
    });
  }

  @Override
  public Future<List<TaskState>> recover(String owner, UnaryOperator<TaskState> decide) {
    Objects.requireNonNull(decide, "decide");
    return writer.submit(c -> {
      PreparedStatement ps;
      if (owner == null) {
        ps = c.prepare(HOLDING);
      } else {
        ps = c.prepare(HOLDING_OF_OWNER);
        ps.setString(1, owner);
      }
      List<TaskState> holding = readTasks(ps);
      List<TaskState> recovered = new ArrayList<>(holding.size());
      for (TaskState t : holding) {
        TaskState next = decide.apply(t);
        if (next == null || next.version() != t.version() + 1 || !next.id().equals(t.id())) {
          throw new IllegalArgumentException("decide must answer the next version of the same task");
        }
        EncodedTask e = EncodedTask.forUpdate(next);
        write(c, t.seq(), t.version(), e);
        counted(t.status(), e.state().status());
        recovered.add(e.state());
      }
      pruneOnWriter(c, Integer.MAX_VALUE);
      return recovered;
    });
  }

  /** Replaces the stored version {@code e.version - 1} of a task by {@code e}; stale otherwise. */
  private void replace(SqliteConnection c, EncodedTask e) throws SQLException {
    TaskState next = e.state();
    long expected = next.version() - 1;
    PreparedStatement fast = c.prepare(UPDATE_UNFINISHED);
    int i = SqliteRows.bindMutable(fast, 1, e);
    fast.setString(i++, next.id());
    fast.setLong(i, expected);
    if (fast.executeUpdate() == 1) {
      counted(TaskStatus.RUNNING, next.status()); // any unfinished status counts the same
      return;
    }
    // stale, gone, or finished already: read what is there to tell which
    PreparedStatement ps = c.prepare(VERSION_BY_ID);
    ps.setString(1, next.id());
    long seq;
    long version;
    TaskStatus was;
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) throw new StaleStateException(next.id(), expected, null);
      seq = rs.getLong(1);
      version = rs.getLong(2);
      was = TaskStatus.fromWire(rs.getString(3));
    }
    if (version != expected) throw new StaleStateException(next.id(), expected, byId(c, next.id()));
    write(c, seq, version, e);
    counted(was, next.status());
  }

  private static void write(SqliteConnection c, long seq, long version, EncodedTask e) throws SQLException {
    PreparedStatement update = c.prepare(UPDATE);
    int i = SqliteRows.bindMutable(update, 1, e);
    update.setLong(i++, seq);
    update.setLong(i, version);
    if (update.executeUpdate() != 1) {
      throw new IllegalStateException("task " + e.state().id() + " changed under the writer");
    }
  }

  private static void deleteSeq(SqliteConnection c, long seq) throws SQLException {
    PreparedStatement ps = c.prepare(DELETE_BY_SEQ);
    ps.setLong(1, seq);
    ps.executeUpdate();
  }

  /** Deletes the oldest finished tasks beyond the retention, at most {@code max}; their ids, oldest first. */
  private List<String> pruneOnWriter(SqliteConnection c, int max) throws SQLException {
    if (max <= 0) return List.of();
    List<Victim> victims = new ArrayList<>();
    long excessDone = doneCount - retention.done();
    if (excessDone > 0) oldest(c, OLDEST_DONE, Math.min(excessDone, max), true, victims);
    long excessFailed = failedCount - retention.failed();
    long room = max - victims.size();
    if (excessFailed > 0 && room > 0) oldest(c, OLDEST_FAILED, Math.min(excessFailed, room), false, victims);
    if (victims.isEmpty()) return List.of();
    victims.sort(Comparator.comparingLong(Victim::completedAt).thenComparingLong(Victim::seq));
    List<String> ids = new ArrayList<>(victims.size());
    for (Victim v : victims) {
      deleteSeq(c, v.seq());
      if (v.done()) doneCount--;
      else failedCount--;
      ids.add(v.id());
    }
    return ids;
  }

  private record Victim(long seq, String id, long completedAt, boolean done) {}

  private static void oldest(SqliteConnection c, String sql, long limit, boolean done, List<Victim> into)
      throws SQLException {
    PreparedStatement ps = c.prepare(sql);
    ps.setLong(1, limit);
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long completedAt = rs.getLong(3);
        if (rs.wasNull()) completedAt = Long.MIN_VALUE; // SQLite orders NULL first too
        into.add(new Victim(rs.getLong(1), rs.getString(2), completedAt, done));
      }
    }
  }

  // ---------------------------------------------------------------- finished counts (writer thread)

  private void recount(SqliteConnection c) throws SQLException {
    doneCount = c.queryLong(COUNT_DONE);
    failedCount = c.queryLong(COUNT_FAILED);
    countsStale = false;
  }

  /** A task went from {@code was} to {@code now} (either null: inserted, deleted). */
  private void counted(TaskStatus was, TaskStatus now) {
    if (was == now) return;
    add(was, -1);
    add(now, 1);
  }

  private void add(TaskStatus status, int delta) {
    if (status == TaskStatus.DONE) doneCount += delta;
    else if (status == TaskStatus.FAILED || status == TaskStatus.CANCELLED) failedCount += delta;
  }

  /** Keeps the counts right when the writer rolls a write, or a whole batch, back. */
  private final class Counts implements GroupCommitWriter.Scope {
    @Override
    public void begin(SqliteConnection connection) throws SQLException {
      if (countsStale) recount(connection);
    }

    @Override
    public Object mark() {
      return new long[] {doneCount, failedCount};
    }

    @Override
    public void undo(Object mark) {
      long[] m = (long[]) mark;
      doneCount = m[0];
      failedCount = m[1];
    }

    @Override
    public void rolledBack() {
      countsStale = true;
    }
  }

  // ---------------------------------------------------------------- event ids, schedules, meta (writes)

  @Override
  public Future<Long> reserveEventIds(long count) {
    if (count < 0) return Future.failedFuture(new IllegalArgumentException("count must not be negative"));
    return writer.submit(c -> {
      String stored = metaOn(c, NEXT_EVENT_ID);
      long first = stored == null ? 1 : Long.parseLong(stored);
      if (count > 0) putMetaOn(c, NEXT_EVENT_ID, Long.toString(first + count));
      return first;
    });
  }

  @Override
  public Future<Void> saveSchedule(String id, ObjectNode schedule) {
    Objects.requireNonNull(id, "id");
    String definition;
    try {
      definition = Json.encode(schedule); // the caller may go on changing its tree
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return writer.submit(c -> {
      PreparedStatement ps = c.prepare(SCHEDULE_PUT);
      ps.setString(1, id);
      ps.setString(2, definition);
      ps.executeUpdate();
      return null;
    });
  }

  @Override
  public Future<Void> deleteSchedule(String id) {
    return writer.submit(c -> {
      PreparedStatement ps = c.prepare(SCHEDULE_DELETE);
      ps.setString(1, id);
      ps.executeUpdate();
      return null;
    });
  }

  @Override
  public Future<Void> putMeta(String key, String value) {
    Objects.requireNonNull(key, "key");
    return writer.submit(c -> {
      putMetaOn(c, key, value);
      return null;
    });
  }

  private static String metaOn(SqliteConnection c, String key) throws SQLException {
    PreparedStatement ps = c.prepare(META_GET);
    ps.setString(1, key);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** A null value removes the key (it reads back as null, as if never set). */
  private static void putMetaOn(SqliteConnection c, String key, String value) throws SQLException {
    PreparedStatement ps;
    if (value == null) {
      ps = c.prepare(META_DELETE);
      ps.setString(1, key);
    } else {
      ps = c.prepare(META_PUT);
      ps.setString(1, key);
      ps.setString(2, value);
    }
    ps.executeUpdate();
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Future<TaskState> get(String id) {
    return read(false, c -> byId(c, id));
  }

  @Override
  public Future<TaskPage> list(TaskQuery query) {
    int limit = query.limit();
    long want = limit + 1L;
    List<TaskStatus> statuses = List.copyOf(query.statuses());
    return read(statuses.size() > 1, c -> {
      List<TaskState> rows;
      if (statuses.isEmpty()) {
        PreparedStatement ps = c.prepare(LIST);
        ps.setLong(1, query.afterSeq());
        ps.setLong(2, query.upToSeq());
        ps.setLong(3, want);
        rows = readTasks(ps);
      } else if (statuses.size() == 1) {
        PreparedStatement ps = c.prepare(LIST_STATUS);
        ps.setString(1, statuses.get(0).wire());
        ps.setLong(2, query.afterSeq());
        ps.setLong(3, query.upToSeq());
        ps.setLong(4, want);
        rows = readTasks(ps);
      } else {
        // each status through its own index range, merged by seq: bounded by limit × statuses
        List<Long> seqs = new ArrayList<>();
        PreparedStatement ps = c.prepare(LIST_STATUS_SEQS);
        for (TaskStatus status : statuses) {
          ps.setString(1, status.wire());
          ps.setLong(2, query.afterSeq());
          ps.setLong(3, query.upToSeq());
          ps.setLong(4, want);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) seqs.add(rs.getLong(1));
          }
        }
        seqs.sort(null);
        rows = new ArrayList<>();
        PreparedStatement bySeq = c.prepare(BY_SEQ);
        for (long seq : seqs.subList(0, (int) Math.min(want, seqs.size()))) {
          bySeq.setLong(1, seq);
          rows.addAll(readTasks(bySeq));
        }
      }
      boolean more = rows.size() > limit;
      return new TaskPage(more ? rows.subList(0, limit) : rows, more);
    });
  }

  @Override
  public Future<List<String>> search(TaskCriteria criteria) {
    if (criteria.matchesNothing()) return Future.succeededFuture(List.of());
    String taskId = criteria.requiredText(TaskField.TASK_ID);
    if (taskId != null) {
      return read(false, c -> {
        TaskState t = byId(c, taskId);
        return t != null && criteria.matches(t) ? List.of(t.id()) : List.<String>of();
      });
    }
    // narrow the scan with what SQL can check; criteria.matches() decides
    List<String> values = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT ").append(SqliteRows.COLUMNS).append(" FROM tasks WHERE seq > ?");
    narrow(criteria, TaskField.STATUS, "status", sql, values);
    narrow(criteria, TaskField.TASK_TYPE, "task_type", sql, values);
    narrow(criteria, TaskField.PARENT_ID, "parent_id", sql, values);
    narrow(criteria, TaskField.SEMAPHORE_NAME, "semaphore", sql, values);
    sql.append(" ORDER BY seq LIMIT ").append(SEARCH_CHUNK);
    String query = sql.toString();
    return read(true, c -> {
      List<String> ids = new ArrayList<>();
      PreparedStatement ps = c.prepare(query);
      long after = 0;
      while (true) {
        ps.setLong(1, after);
        for (int i = 0; i < values.size(); i++) ps.setString(i + 2, values.get(i));
        int rows = 0;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows++;
            TaskState t = SqliteRows.read(rs);
            after = t.seq();
            if (criteria.matches(t)) ids.add(t.id());
          }
        }
        if (rows < SEARCH_CHUNK) return ids;
      }
    });
  }

  private static void narrow(TaskCriteria criteria, TaskField field, String column, StringBuilder sql, List<String> values) {
    String value = criteria.requiredText(field);
    if (value == null) return;
    sql.append(" AND ").append(column).append(" = ?");
    values.add(value);
  }

  @Override
  public Future<Map<TaskStatus, Long>> countByStatus() {
    return read(false, c -> {
      Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
      try (ResultSet rs = c.prepare(COUNT_BY_STATUS).executeQuery()) {
        while (rs.next()) {
          TaskStatus status = TaskStatus.fromWire(rs.getString(1));
          if (status != null) counts.put(status, rs.getLong(2));
        }
      }
      return counts;
    });
  }

  @Override
  public Future<Long> lastSeq() {
    return read(false, c -> {
      try (ResultSet rs = c.prepare(LAST_SEQ).executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
  }

  @Override
  public Future<List<QueuedTask>> queued() {
    return read(false, c -> {
      List<QueuedTask> out = new ArrayList<>();
      try (ResultSet rs = c.prepare(QUEUED).executeQuery()) {
        while (rs.next()) {
          out.add(new QueuedTask(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getString(5),
              !rs.getString(6).isEmpty(), !rs.getString(7).isEmpty()));
        }
      }
      return out;
    });
  }

  @Override
  public Future<List<ObjectNode>> schedules() {
    return read(false, c -> {
      List<ObjectNode> out = new ArrayList<>();
      try (ResultSet rs = c.prepare(SCHEDULES).executeQuery()) {
        while (rs.next()) {
          String id = rs.getString(1);
          JsonNode node = SqliteRows.parse(id, "schedule", rs.getString(2));
          if (!(node instanceof ObjectNode schedule)) {
            throw new IllegalStateException("schedule " + id + " is not a JSON object");
          }
          out.add(schedule);
        }
      }
      return out;
    });
  }

  @Override
  public Future<String> meta(String key) {
    return read(false, c -> metaOn(c, key));
  }

  private <T> Future<T> read(boolean consistent, SqliteReadPool.Read<T> read) {
    WorkerExecutor executor = readExecutor;
    SqliteReadPool pool = readPool;
    if (executor == null || pool == null) {
      return Future.failedFuture(new StoreUnavailableException(name + " is not open", null));
    }
    return executor.executeBlocking(() -> consistent ? pool.readConsistent(read) : pool.read(read), false);
  }

  private static TaskState byId(SqliteConnection c, String id) throws SQLException {
    PreparedStatement ps = c.prepare(BY_ID);
    ps.setString(1, id);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? SqliteRows.read(rs) : null;
    }
  }

  private static List<TaskState> readTasks(PreparedStatement ps) throws SQLException {
    List<TaskState> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.add(SqliteRows.read(rs));
    }
    return out;
  }
}
