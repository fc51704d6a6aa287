package io.brinjal.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * The PostgreSQL store's tables and their migrations. Every object is named {@code brinjal_…}, so
 * the database (and its schema) may be shared with an application. {@code brinjal_schema} holds
 * one row per migration step applied; steps are applied at open, in one transaction that holds
 * an advisory lock on a fixed key, so that several nodes starting at once migrate once and never
 * see a half-made schema.
 */
final class PgSchema {
  /** The advisory lock that serialises opening (migrating and recounting) across nodes. */
  static final long OPEN_LOCK = 0x42524A4C_00000001L;

  /** Number of rows of {@code brinjal_finished_counts}: writers spread their count updates over them. */
  static final int COUNT_SHARDS = 16;

  /**
   * Now on the database's clock, in epoch milliseconds: every lease and every change stamp is
   * taken from it, so the nodes' own clocks never matter. {@code clock_timestamp()}, not
   * {@code now()}: the time of the write, not of its transaction's start.
   */
  static final String NOW_MS = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

  /** How long the ids of deleted tasks are kept for {@code changedSince}. */
  static final long REMOVED_KEPT_MS = 3_600_000L;

  /** How long a firing taken is remembered; one due earlier than that can no longer be taken. */
  static final long FIRINGS_KEPT_MS = 86_400_000L;

  /** Migration steps: the n-th (from 1) brings a database from version n-1 to n. Append only. */
  static final List<List<String>> MIGRATIONS = List.of(
      List.of(
          """
          CREATE TABLE brinjal_tasks (
            seq bigserial PRIMARY KEY,
            id text NOT NULL UNIQUE,
            version bigint NOT NULL,
            parent_id text,
            task_type text NOT NULL,
            semaphore text NOT NULL,
            status text NOT NULL,
            progress integer NOT NULL,
            heading text,
            body text,
            img text,
            results text,
            params text NOT NULL,
            created_at bigint NOT NULL,
            started_at bigint,
            completed_at bigint,
            error_type text,
            error_message text,
            error_traceback text,
            abandoned boolean NOT NULL,
            run_timeout_ms bigint,
            priority integer NOT NULL,
            owner text,
            attempt integer NOT NULL,
            cancel_requested boolean NOT NULL
          )""",
          // the waiting line of each semaphore, in claim order
          "CREATE INDEX brinjal_tasks_queued ON brinjal_tasks (semaphore, priority DESC, seq) WHERE status = 'queued'",
          // permits held per semaphore (counted by every claim)
          "CREATE INDEX brinjal_tasks_holding ON brinjal_tasks (semaphore) WHERE status IN ('running', 'cancelling')",
          // finished tasks, oldest first, for pruning each kind by its own retention (NULLS FIRST as SQLite orders)
          "CREATE INDEX brinjal_tasks_done ON brinjal_tasks (completed_at NULLS FIRST, seq) WHERE status = 'done'",
          "CREATE INDEX brinjal_tasks_failed ON brinjal_tasks (completed_at NULLS FIRST, seq) "
              + "WHERE status IN ('failed', 'cancelled')",
          // listing by status
          "CREATE INDEX brinjal_tasks_status ON brinjal_tasks (status, seq)",
          "CREATE TABLE brinjal_schedules (pos bigserial NOT NULL, id text PRIMARY KEY, definition text NOT NULL)",
          "CREATE TABLE brinjal_meta (key text PRIMARY KEY, value text NOT NULL)",
          // the next event id: one row, moved on by every reservation (its row lock orders them across nodes)
          "CREATE TABLE brinjal_event_ids (one boolean PRIMARY KEY DEFAULT true CHECK (one), next bigint NOT NULL)",
          "INSERT INTO brinjal_event_ids (next) VALUES (1)",
          // finished tasks stored, by kind, spread over rows so that concurrent writers rarely wait for
          // each other; the sum is the count. Kept by the writes that change it, recounted at open.
          "CREATE TABLE brinjal_finished_counts (shard integer PRIMARY KEY, done bigint NOT NULL, failed bigint NOT NULL)",
          "INSERT INTO brinjal_finished_counts (shard, done, failed) SELECT s, 0, 0 FROM generate_series(0, "
              + (COUNT_SHARDS - 1) + ") s"),
      // 2: several nodes on one database (see ClusterStore)
      List.of(
          // members, their leases on the database's clock (epoch ms)
          "CREATE TABLE brinjal_nodes (node_id text PRIMARY KEY, joined_at bigint NOT NULL, heartbeat_at bigint NOT NULL)",
          // when each task was last written (database clock), for catching up after a lost
          // notification; the default stamps the rows there are (and any insert that names none)
          "ALTER TABLE brinjal_tasks ADD COLUMN changed_at bigint NOT NULL DEFAULT " + NOW_MS,
          "CREATE INDEX brinjal_tasks_changed ON brinjal_tasks (changed_at, seq)",
          // ids of deleted tasks, kept an hour (REMOVED_KEPT_MS) for the same catching up
          "CREATE TABLE brinjal_removed (id text NOT NULL, removed_at bigint NOT NULL)",
          "CREATE INDEX brinjal_removed_at ON brinjal_removed (removed_at)",
          // recurring firings taken, one row per (schedule, due time), kept a day (FIRINGS_KEPT_MS)
          "CREATE TABLE brinjal_firings (schedule_id text NOT NULL, due_at bigint NOT NULL, "
              + "PRIMARY KEY (schedule_id, due_at))",
          "CREATE INDEX brinjal_firings_due ON brinjal_firings (due_at)"),
      // 3: Idempotency-Key: a create's key, what it was used for, the task it made, until it expires
      List.of(
          "CREATE TABLE brinjal_idempotency_keys (key text PRIMARY KEY, fingerprint text NOT NULL, "
              + "task_id text NOT NULL, expires_at bigint NOT NULL)",
          "CREATE INDEX brinjal_idempotency_keys_expiry ON brinjal_idempotency_keys (expires_at)"),
      // 4: delayed starts and retries: a scheduled task queues at run_at; attempts are bounded
      List.of(
          "ALTER TABLE brinjal_tasks ADD COLUMN run_at bigint",
          "ALTER TABLE brinjal_tasks ADD COLUMN max_attempts integer NOT NULL DEFAULT 1",
          "CREATE INDEX brinjal_tasks_scheduled ON brinjal_tasks (run_at, seq) WHERE status = 'scheduled'"),
      // 5: several semaphores per task, per-key limits and round-robin turns among keys: the
      // line is ordered by turn within a priority (a keyed task's fair_tag, else its seq)
      List.of(
          "ALTER TABLE brinjal_tasks ADD COLUMN extra_semaphores text NOT NULL DEFAULT ''",
          "ALTER TABLE brinjal_tasks ADD COLUMN concurrency_key text NOT NULL DEFAULT ''",
          "ALTER TABLE brinjal_tasks ADD COLUMN fair_tag bigint",
          "DROP INDEX brinjal_tasks_queued",
          "CREATE INDEX brinjal_tasks_queued ON brinjal_tasks (semaphore, priority DESC, (coalesce(fair_tag, seq)), seq) "
              + "WHERE status = 'queued'",
          "CREATE INDEX brinjal_tasks_queued_keys ON brinjal_tasks (semaphore, concurrency_key, fair_tag) "
              + "WHERE status = 'queued' AND fair_tag IS NOT NULL"));

  /** The schema version this code writes. */
  static int latest() {
    return MIGRATIONS.size();
  }

  private PgSchema() {}

  /**
   * Inside the open transaction: takes the open lock, checks what the database holds, applies the
   * missing migrations and recounts the finished tasks. Fails with {@link StoreOpenException}
   * (message after {@code where}) when the database is not usable.
   */
  static Future<Void> migrate(SqlConnection c, String where) {
    return c.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(OPEN_LOCK))
        .compose(v -> c.query("SELECT to_regclass('brinjal_schema') IS NOT NULL, to_regclass('brinjal_tasks') IS NOT NULL")
            .execute())
        .compose(rows -> {
          Row row = rows.iterator().next();
          boolean hasSchema = row.getBoolean(0);
          boolean hasTasks = row.getBoolean(1);
          if (!hasSchema && hasTasks) {
            return Future.failedFuture(new StoreOpenException(where + " has a table brinjal_tasks that Brinjal did not "
                + "create (there is no brinjal_schema): it is not a Brinjal task store", null));
          }
          Future<Void> created = hasSchema ? Future.succeededFuture()
              : c.query("CREATE TABLE brinjal_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL "
                  + "DEFAULT now())").execute().mapEmpty();
          return created.compose(v -> c.query("SELECT coalesce(max(version), 0) FROM brinjal_schema").execute());
        })
        .compose(rows -> {
          int version = rows.iterator().next().getInteger(0);
          if (version > latest()) {
            return Future.failedFuture(new StoreOpenException(where + " was written by a newer Brinjal (schema version "
                + version + "; this server knows up to " + latest() + ")", null));
          }
          Future<Void> step = Future.succeededFuture();
          for (int v = version + 1; v <= latest(); v++) {
            int target = v;
            for (String sql : MIGRATIONS.get(target - 1)) step = step.compose(x -> c.query(sql).execute().mapEmpty());
            step = step.compose(x -> c.preparedQuery("INSERT INTO brinjal_schema (version) VALUES ($1)")
                .execute(Tuple.of(target)).mapEmpty());
          }
          return step;
        })
        .compose(v -> recount(c));
  }

  /**
   * Sets the finished counts to what the table holds. Every shard row is locked first, so writers
   * that have changed tasks but not yet their shard (they update it last) add their change after
   * this count, and those that did commit before it is taken.
   */
  private static Future<Void> recount(SqlConnection c) {
    return c.query("INSERT INTO brinjal_finished_counts (shard, done, failed) SELECT s, 0, 0 FROM generate_series(0, "
            + (COUNT_SHARDS - 1) + ") s ON CONFLICT (shard) DO NOTHING").execute()
        .compose(v -> c.query("SELECT shard FROM brinjal_finished_counts ORDER BY shard FOR UPDATE").execute())
        .compose(v -> c.query("SELECT (SELECT count(*) FROM brinjal_tasks WHERE status = 'done'), "
            + "(SELECT count(*) FROM brinjal_tasks WHERE status IN ('failed', 'cancelled'))").execute())
        .compose(rows -> {
          Row row = rows.iterator().next();
          return c.preparedQuery("UPDATE brinjal_finished_counts SET done = CASE WHEN shard = 0 THEN $1 ELSE 0 END, "
              + "failed = CASE WHEN shard = 0 THEN $2 ELSE 0 END").execute(Tuple.of(row.getLong(0), row.getLong(1)));
        })
        .mapEmpty();
  }
}
