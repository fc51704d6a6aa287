package io.brinjal.store;

import io.brinjal.loop.Loop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes the store's file, and the queue of writes waiting for it. It takes
 * one write, drains whatever else is queued (up to {@link #MAX_BATCH}), runs them all in one
 * transaction, each inside its own savepoint (a write that fails is rolled back alone and fails
 * alone), and commits once: one fsync for the whole batch ("group commit"). Only once the COMMIT
 * has succeeded are the writes' futures completed, each on the context of its caller; if BEGIN or
 * COMMIT fails, every write of the batch fails with {@link StoreUnavailableException} and nothing
 * of it is kept. The next batch starts afresh, so the store recovers when the disk does.
 *
 * <p>Control work (opening, closing) runs alone, outside any transaction, in queue order.
 */
final class GroupCommitWriter {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

  /** At most this many writes share one transaction. */
  static final int MAX_BATCH = 512;

  /** A write (or control step) run on the writer thread with the write connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(SqliteConnection connection) throws Exception;
  }

  /**
   * What the store keeps in memory beside the file (on the writer thread only), so that a write
   * that is rolled back can take back its effect on it.
   */
  interface Scope {
    /** After BEGIN, before the batch's first write. */
    void begin(SqliteConnection connection) throws Exception;

    /** Before each write: a token to give {@link #undo} if the write is rolled back. */
    Object mark();

    void undo(Object mark);

    /** The batch was rolled back as a whole (or its outcome is unknown). */
    void rolledBack();
  }

  /** The meters, once bound. */
  record Metrics(DistributionSummary batchSize, Timer commitTime, Counter failures) {}

  private static final class Item<T> {
    final Work<T> work;
    final Promise<T> promise = Promise.promise();
    final Context context;
    final boolean control;
    final boolean last;
    final boolean savepoint;
    T result;
    Throwable failure;

    Item(Work<T> work, Context context, boolean control, boolean last, boolean savepoint) {
      this.work = work;
      this.context = context;
      this.control = control;
      this.last = last;
      this.savepoint = savepoint;
    }

    void run(SqliteConnection c) throws Exception {
      result = work.run(c);
    }

    /** Completes the future on the caller's context. */
    void answer() {
      Loop.answer(context, this::complete);
    }

    /** Completes the future here (on the caller's context already, or for a caller outside Vert.x). */
    void complete() {
      if (failure != null) promise.fail(failure);
      else promise.complete(result);
    }
  }

  private final String storeName;
  private final Scope scope;
  private final LinkedBlockingQueue<Item<?>> queue = new LinkedBlockingQueue<>();
  private final Object lock = new Object();
  private final Thread thread;
  private volatile Metrics metrics;

  // guarded by lock
  private boolean accepting = true;
  private boolean started;

  // ---- writer thread only ----
  private SqliteConnection connection;
  private boolean stopping;
  private Item<?> carried;
  private Item<?> lastItem;

  GroupCommitWriter(String storeName, Scope scope) {
    this.storeName = storeName;
    this.scope = scope;
    this.thread = new Thread(this::loop, "brinjal-store-writer");
    this.thread.setDaemon(true);
  }

  void start() {
    synchronized (lock) {
      if (started) return;
      started = true;
    }
    thread.start();
  }

  boolean started() {
    synchronized (lock) {
      return started;
    }
  }

  void bind(Metrics metrics) {
    this.metrics = metrics;
  }

  /** Writes waiting for the writer thread (not counting the batch being written). */
  int queued() {
    return queue.size();
  }

  /** Queues a write; it shares a transaction with whatever else is queued with it. */
  <T> Future<T> submit(Work<T> work) {
    return enqueue(work, false, false, true);
  }

  /**
   * Queues a write that changes the file with one statement, or fails for its own reasons
   * (stale, refused) only before its first change and otherwise only as the store does (an
   * {@link java.sql.SQLException} that {@link SqliteConnection#isStoreFailure} rolls the whole batch
   * back for): SQLite undoes a failed statement by itself, so it needs no savepoint of its own
   * (two statements fewer per write on the hot path).
   */
  <T> Future<T> submitOneWrite(Work<T> work) {
    return enqueue(work, false, false, false);
  }

  /**
   * Queues control work that runs alone, outside any transaction, after every write queued
   * before it. With {@code last}, nothing is accepted after it and the thread ends once it ran.
   */
  <T> Future<T> control(Work<T> work, boolean last) {
    return enqueue(work, true, last, false);
  }

  private <T> Future<T> enqueue(Work<T> work, boolean control, boolean last, boolean savepoint) {
    Item<T> item = new Item<>(work, Vertx.currentContext(), control, last, savepoint);
    synchronized (lock) {
      if (!started) return Future.failedFuture(new StoreUnavailableException(storeName + " is not open", null));
      if (!accepting) return Future.failedFuture(new StoreUnavailableException(storeName + " is closed", null));
      if (last) accepting = false;
      queue.add(item);
    }
    return item.promise.future();
  }

  // ---------------------------------------------------------------- writer thread

  /** The write connection, set by the opening control work; null until then. */
  void connection(SqliteConnection connection) {
    this.connection = connection;
  }

  SqliteConnection connection() {
    return connection;
  }

  /** From control work: accept nothing more, and end the thread after the current item. */
  void stopAfterThis() {
    synchronized (lock) {
      accepting = false;
    }
    stopping = true;
  }

  private void loop() {
    List<Item<?>> batch = new ArrayList<>(MAX_BATCH);
    try {
      while (!stopping) {
        Item<?> first = carried != null ? carried : take();
        carried = null;
        if (first == null) continue;
        if (first.control) {
          runControl(first);
          continue;
        }
        batch.add(first);
        while (batch.size() < MAX_BATCH) {
          Item<?> next = queue.poll();
          if (next == null) break;
          if (next.control) {
            carried = next;
            break;
          }
          batch.add(next);
        }
        try {
          runBatch(batch);
        } catch (Throwable e) { // never let the thread die: the store would hang
          LOG.error("{}: the writer failed unexpectedly", storeName, e);
          failAll(batch, unavailable("the writer failed unexpectedly", e));
        }
        batch.clear();
      }
    } finally {
      // nothing is accepted any more: answer whatever is left so no caller waits for ever
      List<Item<?>> left = new ArrayList<>();
      if (carried != null) left.add(carried);
      queue.drainTo(left);
      failAll(left, new StoreUnavailableException(storeName + " is closed", null));
      if (lastItem != null) lastItem.answer();
    }
  }

  private Item<?> take() {
    try {
      return queue.poll(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
      return null;
    }
  }

  private void runControl(Item<?> item) {
    try {
      item.run(connection);
    } catch (Throwable e) {
      item.failure = e;
    }
    if (item.last) {
      stopping = true;
      lastItem = item; // answered once the loop has ended
    } else {
      item.answer();
    }
  }

  private void runBatch(List<Item<?>> batch) {
    SqliteConnection c = connection;
    if (c == null) {
      failAll(batch, new StoreUnavailableException(storeName + " is not open", null));
      return;
    }
    Metrics m = metrics;
    long start = System.nanoTime();
    try {
      c.prepare("BEGIN IMMEDIATE").execute(); // prepared: a plain execute() compiles (and regex-checks) the SQL every time
    } catch (Throwable e) {
      c.forgetStatements();
      batchFailed(batch, "could not start a write", e, m);
      return;
    }
    try {
      scope.begin(c);
      for (Item<?> item : batch) {
        Object mark = scope.mark();
        if (item.savepoint) c.prepare("SAVEPOINT op").execute();
        try {
          item.run(c);
          if (item.savepoint) c.prepare("RELEASE op").execute();
        } catch (Exception e) {
          if (SqliteConnection.isStoreFailure(e)) throw e;
          c.forgetStatements();
          if (item.savepoint) {
            c.prepare("ROLLBACK TO op").execute();
            c.prepare("RELEASE op").execute();
          }
          scope.undo(mark);
          item.failure = e instanceof java.sql.SQLException
              ? unavailable("could not store a write", e)
              : e;
        }
      }
      c.prepare("COMMIT").execute();
    } catch (Throwable e) {
      c.forgetStatements();
      rollbackQuietly(c);
      batchFailed(batch, "could not store a write", e, m);
      return;
    }
    if (m != null) {
      m.commitTime().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      m.batchSize().record(batch.size());
    }
    answerAll(batch);
  }

  /**
   * Completes the items' futures: one hop per caller context for the whole batch (not one per
   * write), each context's items in queue order.
   */
  private static void answerAll(List<Item<?>> items) {
    Map<Context, List<Item<?>>> byContext = new LinkedHashMap<>();
    for (Item<?> item : items) {
      if (item.context == null) item.complete();
      else byContext.computeIfAbsent(item.context, k -> new ArrayList<>()).add(item);
    }
    byContext.forEach((context, theirs) -> context.runOnContext(v -> theirs.forEach(Item::complete)));
  }

  private void batchFailed(List<Item<?>> batch, String what, Throwable e, Metrics m) {
    scope.rolledBack();
    if (m != null) m.failures().increment();
    LOG.warn("{}: {} ({} operations failed): {}", storeName, what, batch.size(), SqliteConnection.reason(e));
    failAll(batch, unavailable(what, e));
  }

  private StoreUnavailableException unavailable(String what, Throwable e) {
    return new StoreUnavailableException(storeName + ": " + what + ": " + SqliteConnection.reason(e), e);
  }

  private static void rollbackQuietly(SqliteConnection c) {
    try {
      c.exec("ROLLBACK");
    } catch (Throwable ignored) {
      // SQLite may have rolled back already (after an I/O error or a full disk)
    }
  }

  private static void failAll(List<Item<?>> items, Throwable failure) {
    for (Item<?> item : items) {
      item.result = null;
      item.failure = failure;
    }
    answerAll(items);
  }
}
