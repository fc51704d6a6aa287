package io.brinjal.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.json.Json;
import io.brinjal.task.TaskStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.TreeMap;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import javax.net.ssl.TrustManagerFactory;

/**
 * Tasks in PostgreSQL ({@code store.type} {@code postgresql}): durable, shared by any number of
 * nodes, each with a pool of its own. Everything goes through the reactive client
 * ({@code vertx-pg-client}): no JDBC, no thread ever waits for the database.
 *
 * <p><b>Limits across nodes.</b> A claim is one READ COMMITTED transaction that takes a
 * per-semaphore advisory transaction lock ({@code pg_advisory_xact_lock} on a key derived from
 * the semaphore's name), then, in the next statement (so with a snapshot taken after the lock),
 * counts the semaphore's rows holding a permit and takes at most {@code limit} minus that many
 * queued rows with {@code FOR UPDATE SKIP LOCKED}. The lock is released at commit, after the
 * claimed rows are visible, so the next claimer of that semaphore, on whatever node, counts them.
 * The limit is derived from the rows: re-queueing a dead node's tasks frees its permits by itself.
 *
 * <p><b>Versioned writes.</b> {@code UPDATE … WHERE id = $1 AND version = $2}: under READ
 * COMMITTED a concurrent writer's committed change makes the condition false, so exactly one of
 * two writers of the same version wins; the loser reads the row and fails as stale.
 *
 * <p><b>Round trips.</b> The hot transactions (claim, finish, prune) are sent whole: BEGIN,
 * their statements and COMMIT go out together on one connection (see {@link #transaction}), so
 * each costs one round trip, and no lock is ever held while the server waits for a client (a
 * node that freezes mid-claim cannot stall a semaphore for the others).
 *
 * <p><b>Retention.</b> How many finished tasks of each kind are stored is kept in
 * {@code brinjal_finished_counts}, spread over {@value PgSchema#COUNT_SHARDS} rows: a writer adds
 * its change to one of them, chosen at random, as the last lock it takes (the end of its last
 * statement), so writers seldom wait for each other and never deadlock on them; the sum is the
 * count, recounted at open. Pruning takes a second advisory lock: a finishing write only tries
 * it, and if another write is pruning at that moment it leaves the pruning to the next write, so
 * pruning never deletes more than the excess it counted (it may leave a few more than the
 * retention while several nodes finish at once, until the next finish). {@code DELETE …
 * RETURNING} answers only the rows that statement deleted, so no two writes ever answer the same
 * pruned id.
 *
 * <p><b>Several nodes ({@link ClusterStore}).</b> Leases are rows of {@code brinjal_nodes} stamped
 * with the database's clock. A reaper deletes a dead node's row (a second reaper waits for the
 * row lock and then finds none) and, in the next statement of the same transaction, locks and
 * rewrites the tasks it held. A claim for an owner that joined through this store holds a
 * key-share lock on the owner's row (see {@link #CLAIM_AS_MEMBER}): a reaper waits for claims in
 * flight and sees what they took, and once the row is gone that owner claims nothing. Every
 * write of a task stamps {@code changed_at} (database clock), every delete leaves a tombstone in
 * {@code brinjal_removed}: {@link #changedSince} reads both. Notifications go through
 * {@code pg_notify} on {@value PgListener#CHANNEL}, received by a {@link PgListener} per
 * {@link #listen}.
 *
 * <p><b>Failures.</b> Whatever the database or the network does wrong fails the call with
 * {@link StoreUnavailableException} naming the store (host, port, database: never the password),
 * and the transaction is rolled back. One case no client of a remote database can rule out: the
 * connection breaks after COMMIT was sent and before its answer came; the write may then be
 * stored although the call failed (a versioned write retried after it fails as stale).
 */
public final class PgTaskStore implements ClusterStore {
  /** Rows read per query by {@link #search}, so memory stays bounded whatever the table holds. */
  static final int SEARCH_CHUNK = 1000;

  /** The advisory lock held (for the transaction) by whoever prunes finished tasks. */
  static final long PRUNE_LOCK = 0x42524A4C_00000002L;

  private static final String TERMINAL = "('done', 'failed', 'cancelled')";
  private static final String HOLDING_STATUSES = "('running', 'cancelling')";
  private static final AtomicLong INSTANCES = new AtomicLong();

  // ---------------------------------------------------------------- SQL (package-private: the tests read plans)

  /** Now on the database's clock (epoch ms): every write of a task stamps its {@code changed_at} with it. */
  private static final String NOW_MS = PgSchema.NOW_MS;
  private static final String STAMP = ", changed_at = " + NOW_MS;
  /** Inside a WITH after {@code del}: the ids deleted, kept an hour for {@link #changedSince}. */
  private static final String TOMBSTONES = "rm AS (INSERT INTO brinjal_removed (id, removed_at) SELECT id, " + NOW_MS
      + " FROM del), ";

  /**
   * A keyed task takes its turn (fair_tag) right after its key's last waiting one; the first
   * waiting task of a key takes the turn at the head of the line (a key that arrives late joins
   * the current round), or, with nobody waiting, about its own seq. Turns are on the scale of
   * seqs, so a task without a key (its turn is its seq) waits by arrival; it costs no lookup.
   */
  static final String INSERT = "INSERT INTO brinjal_tasks (id, " + PgRows.FIELDS + ", changed_at, fair_tag) VALUES ($1, "
      + PgRows.placeholders(2) + ", " + NOW_MS + ", CASE WHEN $" + (PgRows.FIELD_COUNT + 1) + " = '' THEN NULL ELSE coalesce("
      + "(SELECT max(fair_tag) + 1 FROM brinjal_tasks WHERE semaphore = $5 AND status = 'queued' "
      + "AND concurrency_key = $" + (PgRows.FIELD_COUNT + 1) + " AND fair_tag IS NOT NULL), "
      + "(SELECT coalesce(fair_tag, seq) FROM brinjal_tasks WHERE semaphore = $5 AND status = 'queued' "
      + "ORDER BY priority DESC, coalesce(fair_tag, seq), seq LIMIT 1), "
      + "(SELECT coalesce(max(seq), 0) + 1 FROM brinjal_tasks)) END) RETURNING seq, fair_tag";
  /** The common write: the version expected, and a stored state that is not finished (counts unchanged). */
  static final String UPDATE_LIVE = "UPDATE brinjal_tasks SET " + PgRows.mutableAssignments(1) + STAMP + " WHERE id = $"
      + (PgRows.MUTABLE_COUNT + 1) + " AND version = $" + (PgRows.MUTABLE_COUNT + 2) + " AND status NOT IN " + TERMINAL;
  /**
   * As above for finish(): once the row is written, also tries the prune lock and notes the
   * outcome in a transaction-local setting, which {@link #PRUNE_AFTER_FINISH}, sent in the same
   * round trip, reads ('' when no row was written: then it changes nothing).
   */
  static final String FINISH_LIVE = UPDATE_LIVE + " RETURNING set_config('brinjal.may_prune', "
      + "pg_try_advisory_xact_lock(" + PRUNE_LOCK + ")::text, true)";
  private static final String FINISHED_HERE = "(coalesce(current_setting('brinjal.may_prune', true), '') <> '')";
  static final String UPDATE_BY_SEQ = "UPDATE brinjal_tasks SET " + PgRows.mutableAssignments(1) + STAMP + " WHERE seq = $"
      + (PgRows.MUTABLE_COUNT + 1);
  static final String BY_ID = "SELECT " + PgRows.COLUMNS + " FROM brinjal_tasks WHERE id = $1";
  static final String BY_ID_LOCKED = BY_ID + " FOR UPDATE";
  static final String SEMAPHORE_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('brinjal-sem:' || $1, 0))";
  /**
   * Run after {@link #SEMAPHORE_LOCK}, so its snapshot sees every claim committed before: the
   * room left under the limit, then the oldest waiting tasks of the highest priority, locked
   * (rows another write holds are skipped), stored as running.
   */
  static final String CLAIM = claim("", "");
  /**
   * The limit a claim counts against: the one set at run time (PATCH /semaphores/{name}) if any,
   * for every node alike, else the caller's ($3). Read after the semaphore's lock, which a change
   * of the limit also takes ({@link #putSemaphoreLimit}), so no claim that starts after the
   * change committed uses the old limit.
   */
  private static final String LIMIT_NOW = "COALESCE((SELECT CASE WHEN value ~ '^[0-9]{1,9}$' THEN value::bigint END "
      + "FROM brinjal_meta WHERE key = 'semaphore_limit:' || $1), $3::bigint)";
  /**
   * {@link #CLAIM} for an owner that joined through this store: it takes nothing unless the
   * owner's row is in {@code brinjal_nodes}, and holds a key-share lock on that row until commit,
   * so a reaper's DELETE of the row waits for the claim (and then sees what it claimed), and a
   * claim after the DELETE finds no row. A node whose lease was taken cannot claim any more.
   */
  static final String CLAIM_AS_MEMBER = claim("member AS (" + memberRow("$4") + "), ", " * (SELECT count(*) FROM member)");

  /** The claiming node's row, key-share locked: the reaper cannot delete it (and take its tasks) meanwhile. */
  private static String memberRow(String nodeIdParam) {
    return "SELECT node_id FROM brinjal_nodes WHERE node_id = " + nodeIdParam + " FOR KEY SHARE";
  }

  private static String claim(String memberCte, String roomFactor) {
    return "WITH " + memberCte + "room AS ("
        + "SELECT GREATEST(LEAST($2::bigint, " + LIMIT_NOW + " - count(*)), 0)" + roomFactor + " AS n FROM brinjal_tasks "
        + "WHERE status IN " + HOLDING_STATUSES + " AND (semaphore = $1 OR " + HOLDS_AS_EXTRA + ")), "
        + "pick AS (SELECT seq FROM brinjal_tasks WHERE semaphore = $1 AND status = 'queued' AND extra_semaphores = '' "
        + "ORDER BY priority DESC, coalesce(fair_tag, seq), seq LIMIT (SELECT n FROM room) FOR UPDATE SKIP LOCKED) "
        + "UPDATE brinjal_tasks t SET status = 'running', version = t.version + 1, owner = $4, "
        // when the permit was really taken: a claim may wait for the semaphore's lock, meanwhile
        // another node's task may end; never before the time the caller passed
        + "started_at = GREATEST($5::bigint, " + NOW_MS + "), "
        + "attempt = t.attempt + 1, cancel_requested = false, changed_at = " + NOW_MS + " FROM pick WHERE t.seq = pick.seq "
        + "RETURNING " + prefixed("t.", PgRows.COLUMNS);
  }
  /** Scheduled tasks whose time has come, queued; rows another node is promoting are skipped. */
  /** A row that holds semaphore $1 besides its own. */
  private static final String HOLDS_AS_EXTRA = "(extra_semaphores <> '' AND $1 = ANY (string_to_array(extra_semaphores, ',')))";
  /** The other semaphores the front of a line takes (read before any lock, to take all locks in order). */
  static final String OTHER_SEMAPHORES = "SELECT DISTINCT extra_semaphores FROM (SELECT extra_semaphores FROM brinjal_tasks "
      + "WHERE semaphore = $1 AND status = 'queued' ORDER BY priority DESC, coalesce(fair_tag, seq), seq LIMIT $2) q "
      + "WHERE extra_semaphores <> ''";
  static final String MEMBER = memberRow("$1");
  static final String CHECKED_LINE = "SELECT seq, extra_semaphores, concurrency_key FROM brinjal_tasks "
      + "WHERE semaphore = $1 AND status = 'queued' ORDER BY priority DESC, coalesce(fair_tag, seq), seq LIMIT $2";
  static final String HOLDERS = "SELECT semaphore, extra_semaphores, concurrency_key FROM brinjal_tasks WHERE status IN "
      + HOLDING_STATUSES;
  static final String SEMAPHORE_SETTINGS = "SELECT key, value FROM brinjal_meta WHERE key LIKE 'semaphore\\_%'";
  static final String CLAIM_SEQS = "UPDATE brinjal_tasks t SET status = 'running', version = t.version + 1, owner = $2, "
      + "started_at = GREATEST($3::bigint, " + NOW_MS + "), attempt = t.attempt + 1, cancel_requested = false, "
      + "changed_at = " + NOW_MS + " WHERE t.seq = ANY ($1) AND t.status = 'queued' RETURNING " + prefixed("t.", PgRows.COLUMNS);
  static final String PROMOTE_DUE = "WITH pick AS (SELECT seq FROM brinjal_tasks WHERE status = 'scheduled' "
      + "AND run_at <= $1 ORDER BY run_at, seq LIMIT $2 FOR UPDATE SKIP LOCKED) "
      + "UPDATE brinjal_tasks t SET status = 'queued', run_at = NULL, version = t.version + 1, changed_at = " + NOW_MS
      + " FROM pick WHERE t.seq = pick.seq RETURNING " + prefixed("t.", PgRows.COLUMNS);
  static final String NEXT_RUN_AT = "SELECT min(run_at) FROM brinjal_tasks WHERE status = 'scheduled'";
  static final String TRY_PRUNE_LOCK = "SELECT pg_try_advisory_xact_lock(" + PRUNE_LOCK + ")";
  static final String PRUNE_LOCK_WAIT = "SELECT pg_advisory_xact_lock(" + PRUNE_LOCK + ")";
  /**
   * Prunes (when $1: this transaction holds the prune lock) the oldest finished tasks beyond the
   * retention, counting with the stored counts plus this transaction's own change ($2 done, $5
   * failed) against the retention ($3, $6), at most $4 in all; and adds this transaction's
   * change, less what it pruned, to count shard $7, last. Answers the pruned rows.
   */
  static final String PRUNE_AND_COUNT = pruneAndCount("$1::boolean", "$2::bigint", "$5::bigint");
  /** {@link #PRUNE_AND_COUNT} after {@link #FINISH_LIVE} in the same transaction ($1 true). */
  static final String PRUNE_AFTER_FINISH = pruneAndCount(
      "($1::boolean AND current_setting('brinjal.may_prune', true) = 'true')",
      "(CASE WHEN " + FINISHED_HERE + " THEN $2::bigint ELSE 0 END)",
      "(CASE WHEN " + FINISHED_HERE + " THEN $5::bigint ELSE 0 END)");

  static final String COUNT_ONLY = "UPDATE brinjal_finished_counts SET done = done + $1, failed = failed + $2 "
      + "WHERE shard = $3";
  static final String DELETE_BY_ID = "WITH del AS (DELETE FROM brinjal_tasks WHERE id = $1 RETURNING "
      + PgRows.COLUMNS + "), " + TOMBSTONES
      + "cnt AS (UPDATE brinjal_finished_counts SET "
      + "done = done - (SELECT count(*) FROM del WHERE status = 'done'), "
      + "failed = failed - (SELECT count(*) FROM del WHERE status IN ('failed', 'cancelled')) "
      + "WHERE shard = $2 AND EXISTS (SELECT 1 FROM del WHERE status IN " + TERMINAL + ") RETURNING 1) "
      + "SELECT " + PgRows.COLUMNS + " FROM del";
  /** The oldest finished tasks by seq, each status through its own index range. */
  static final String DELETE_FINISHED = "WITH v AS (SELECT seq FROM ("
      + "(SELECT seq FROM brinjal_tasks WHERE status = 'done' ORDER BY seq LIMIT $1) UNION ALL "
      + "(SELECT seq FROM brinjal_tasks WHERE status = 'failed' ORDER BY seq LIMIT $1) UNION ALL "
      + "(SELECT seq FROM brinjal_tasks WHERE status = 'cancelled' ORDER BY seq LIMIT $1)) s ORDER BY seq LIMIT $1), "
      + "del AS (DELETE FROM brinjal_tasks t USING v WHERE t.seq = v.seq RETURNING t.seq, t.id, t.status), "
      + TOMBSTONES
      + "cnt AS (UPDATE brinjal_finished_counts SET "
      + "done = done - (SELECT count(*) FROM del WHERE status = 'done'), "
      + "failed = failed - (SELECT count(*) FROM del WHERE status <> 'done') "
      + "WHERE shard = $2 AND EXISTS (SELECT 1 FROM del) RETURNING 1) "
      + "SELECT seq, id FROM del";
  static final String HOLDING = "SELECT " + PgRows.COLUMNS + " FROM brinjal_tasks WHERE status IN " + HOLDING_STATUSES
      + " ORDER BY seq FOR UPDATE";
  static final String HOLDING_OF_OWNER = "SELECT " + PgRows.COLUMNS + " FROM brinjal_tasks WHERE status IN "
      + HOLDING_STATUSES + " AND owner = $1 ORDER BY seq FOR UPDATE";
  static final String QUEUED = "SELECT id, semaphore, priority, seq, parent_id, concurrency_key <> '', extra_semaphores <> '' "
      + "FROM brinjal_tasks WHERE status = 'queued' ORDER BY priority DESC, coalesce(fair_tag, seq), seq";
  static final String LIST = "SELECT " + PgRows.COLUMNS + " FROM brinjal_tasks WHERE seq > $1 AND seq <= $2 "
      + "ORDER BY seq LIMIT $3";
  static final String COUNT_BY_STATUS = "SELECT status, count(*) FROM brinjal_tasks GROUP BY status";
  /** The sequence's last value: null until the first nextval (a new sequence's last_value reads 1). */
  static final String LAST_SEQ = "SELECT coalesce(pg_sequence_last_value('brinjal_tasks_seq_seq'::regclass), 0)";
  static final String RESERVE_EVENT_IDS = "UPDATE brinjal_event_ids SET next = next + $1 RETURNING next - $1";
  static final String META_GET = "SELECT value FROM brinjal_meta WHERE key = $1";
  /**
   * Takes a key for a new task unless a live use holds it: a row answered means taken (new, or
   * over an expired use). A concurrent taker of the same key waits here for the other's commit.
   */
  static final String KEY_TAKE = "INSERT INTO brinjal_idempotency_keys (key, fingerprint, task_id, expires_at) "
      + "VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, "
      + "task_id = excluded.task_id, expires_at = excluded.expires_at "
      + "WHERE brinjal_idempotency_keys.expires_at <= $5 RETURNING task_id";
  static final String KEY_GET = "SELECT key, fingerprint, task_id, expires_at FROM brinjal_idempotency_keys WHERE key = $1";
  static final String KEYS_EXPIRED_DELETE = "DELETE FROM brinjal_idempotency_keys WHERE key IN (SELECT key FROM "
      + "brinjal_idempotency_keys WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)";
  static final String META_PUT = "INSERT INTO brinjal_meta (key, value) VALUES ($1, $2) "
      + "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
  static final String META_DELETE = "DELETE FROM brinjal_meta WHERE key = $1";
  static final String SCHEDULES = "SELECT id, definition FROM brinjal_schedules ORDER BY pos";
  static final String SCHEDULE_PUT = "INSERT INTO brinjal_schedules (id, definition) VALUES ($1, $2) "
      + "ON CONFLICT (id) DO UPDATE SET definition = excluded.definition";
  static final String SCHEDULE_DELETE = "DELETE FROM brinjal_schedules WHERE id = $1";

  private static String prefixed(String prefix, String columns) {
    return prefix + String.join(", " + prefix, columns.split(", "));
  }

  private static String pruneAndCount(String mayPrune, String ownDone, String ownFailed) {
    return "WITH c AS ("
        + "SELECT CASE WHEN " + mayPrune + " THEN LEAST(GREATEST(coalesce(sum(done), 0)::bigint + " + ownDone
        + " - $3::bigint, 0), $4::bigint) ELSE 0 END AS d, "
        + "CASE WHEN " + mayPrune + " THEN GREATEST(coalesce(sum(failed), 0)::bigint + " + ownFailed
        + " - $6::bigint, 0) ELSE 0 END AS f "
        + "FROM brinjal_finished_counts), "
        + "dv AS (SELECT seq FROM brinjal_tasks WHERE status = 'done' ORDER BY completed_at NULLS FIRST, seq "
        + "LIMIT (SELECT d FROM c) FOR UPDATE), "
        + "fv AS (SELECT seq FROM brinjal_tasks WHERE status IN ('failed', 'cancelled') "
        + "ORDER BY completed_at NULLS FIRST, seq LIMIT (SELECT LEAST(f, $4::bigint - d) FROM c) FOR UPDATE), "
        + "del AS (DELETE FROM brinjal_tasks t WHERE t.seq IN (SELECT seq FROM dv UNION ALL SELECT seq FROM fv) "
        + "RETURNING t.seq, t.id, t.status, t.completed_at), "
        + TOMBSTONES
        + "cnt AS (UPDATE brinjal_finished_counts SET "
        + "done = done + " + ownDone + " - (SELECT count(*) FROM del WHERE status = 'done'), "
        + "failed = failed + " + ownFailed + " - (SELECT count(*) FROM del WHERE status <> 'done') "
        + "WHERE shard = $7::integer AND (" + ownDone + " <> 0 OR " + ownFailed + " <> 0 OR EXISTS (SELECT 1 FROM del)) "
        + "RETURNING 1) "
        + "SELECT seq, id, completed_at FROM del";
  }

  private final Vertx vertx;
  private final PgConnectOptions connect;
  private final int poolSize;
  private final BrinjalConfig.Retention retention;
  private final String name;

  private volatile Pool pool;
  private volatile Timer claimTimer;
  private volatile Counter writeFailures;
  // guarded by this
  private boolean openCalled;
  private boolean usable;
  private int inFlight;
  private Promise<Void> closed;
  private boolean metricsBound;
  private final List<PgListener> listeners = new ArrayList<>();
  private Future<Void> closing;
  /** Node ids joined through this store: their claims take nothing once their row is gone (see {@link #CLAIM_AS_MEMBER}). */
  private final Set<String> joined = ConcurrentHashMap.newKeySet();
  /** When this store last forgot old tombstones and firings ({@link System#nanoTime}). */
  private final AtomicLong lastHousekeeping = new AtomicLong(System.nanoTime() - HOUSEKEEPING_NANOS - 1);

  /**
   * @param connect where and as whom (see {@link #connectOptions}); copied, the caller's object is not changed
   * @param poolSize connections this node keeps to the database
   */
  public PgTaskStore(Vertx vertx, PgConnectOptions connect, int poolSize, BrinjalConfig.Retention retention) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.retention = Objects.requireNonNull(retention, "retention");
    if (poolSize < 1) throw new IllegalArgumentException("poolSize must be at least 1");
    this.poolSize = poolSize;
    PgConnectOptions c = new PgConnectOptions(Objects.requireNonNull(connect, "connect"));
    c.setCachePreparedStatements(true);
    c.setPreparedStatementCacheSqlLimit(16_384); // the default (2,048 characters) would re-prepare the longer ones
    c.setReconnectAttempts(0);
    c.addProperty("application_name", "brinjal");
    // the claim's exactness rests on READ COMMITTED (a new snapshot per statement, after the lock);
    // a database or role configured for another default level must not change it
    c.addProperty("default_transaction_isolation", "read committed");
    // a node frozen or cut off inside one of the few transactions that wait for it between
    // statements (recovery, stale writes) must not hold its row locks for long; the hot ones
    // (claim, finish) are sent whole and never wait for the client
    c.addProperty("idle_in_transaction_session_timeout", "30s");
    this.connect = c;
    this.name = "postgresql " + where(c);
  }

  private static String where(PgConnectOptions c) {
    String host = c.getHost();
    if (host != null && host.contains(":") && !host.startsWith("[")) host = "[" + host + "]";
    return host + ":" + c.getPort() + "/" + c.getDatabase();
  }

  // ---------------------------------------------------------------- the URL

  /**
   * Connect options from {@code postgresql://user:password@host:port/database} (or
   * {@code postgres://}; user, password and database %-encoded where needed; port 5432 when left
   * out; {@code ?sslmode=disable|prefer|require|verify-ca|verify-full}, verify-* against the
   * JVM's trusted certificates). A non-null {@code passwordOrNull} wins over the URL's, so the
   * password can stay out of the URL (and out of process listings and config files). A URL
   * that cannot be used fails with {@link IllegalArgumentException} saying what is wrong, never
   * quoting the password.
   */
  public static PgConnectOptions connectOptions(String url, String passwordOrNull) {
    if (url == null || url.isBlank()) throw new IllegalArgumentException("store.url is empty");
    String u = url.trim();
    String lower = u.toLowerCase(Locale.ROOT);
    String rest;
    if (lower.startsWith("postgresql://")) rest = u.substring("postgresql://".length());
    else if (lower.startsWith("postgres://")) rest = u.substring("postgres://".length());
    else throw new IllegalArgumentException("store.url must start with postgresql:// or postgres://");
    String query = null;
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    // the user part ends at the last '@', so a password may hold '@' and '/' unencoded
    String userInfo = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      userInfo = rest.substring(0, at);
      rest = rest.substring(at + 1);
    }
    int slash = rest.indexOf('/');
    String hostPort = slash >= 0 ? rest.substring(0, slash) : rest;
    String database = slash >= 0 ? decode(rest.substring(slash + 1), "database name") : "";
    if (database.isEmpty()) {
      throw new IllegalArgumentException("store.url names no database (postgresql://user@host:5432/database)");
    }
    if (database.indexOf('/') >= 0) throw new IllegalArgumentException("store.url: the database name holds a '/'");

    String host;
    String portText = null;
    if (hostPort.startsWith("[")) {
      int end = hostPort.indexOf(']');
      if (end < 0) throw new IllegalArgumentException("store.url: an IPv6 host must be closed with ']'");
      host = hostPort.substring(1, end);
      String after = hostPort.substring(end + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) throw new IllegalArgumentException("store.url: expected ':port' after the IPv6 host");
        portText = after.substring(1);
      }
    } else {
      int colon = hostPort.indexOf(':');
      host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
      if (colon >= 0) portText = hostPort.substring(colon + 1);
      if (host.indexOf(',') >= 0) throw new IllegalArgumentException("store.url: several hosts are not supported");
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException(at < 0 && hostPort.contains(":")
          ? "store.url names no host (is the '@' between user and host missing?)"
          : "store.url names no host (postgresql://user@host:5432/database)");
    }
    int port = 5432;
    if (portText != null && !portText.isEmpty()) {
      // never quoted: with a missing '@', what stands here may be a password
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("store.url: the port must be a number from 1 to 65535"
            + (at < 0 ? " (is the '@' between user and host missing?)" : ""));
      }
    }

    String user = null;
    String password = null;
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo, "user name");
      if (colon >= 0) password = decode(userInfo.substring(colon + 1), "password");
    }
    if (user == null || user.isEmpty()) {
      throw new IllegalArgumentException("store.url names no user (postgresql://user@host:5432/database)");
    }
    if (passwordOrNull != null) password = passwordOrNull;

    PgConnectOptions o = new PgConnectOptions().setHost(host).setPort(port).setDatabase(database).setUser(user)
        .setPassword(password == null ? "" : password);
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) continue;
        int eq = pair.indexOf('=');
        String key = decode(eq >= 0 ? pair.substring(0, eq) : pair, "parameter name");
        String value = eq >= 0 ? decode(pair.substring(eq + 1), "parameter " + key) : "";
        if (!key.equals("sslmode")) {
          throw new IllegalArgumentException("store.url: unknown parameter " + key + " (known: sslmode)");
        }
        ssl(o, value);
      }
    }
    return o;
  }

  private static void ssl(PgConnectOptions o, String mode) {
    switch (mode) {
      case "disable" -> o.setSslMode(SslMode.DISABLE);
      case "prefer" -> o.setSslMode(SslMode.PREFER).setSslOptions(new ClientSSLOptions().setTrustAll(true));
      case "require" -> o.setSslMode(SslMode.REQUIRE).setSslOptions(new ClientSSLOptions().setTrustAll(true));
      case "verify-ca" -> o.setSslMode(SslMode.VERIFY_CA).setSslOptions(
          new ClientSSLOptions().setTrustOptions(jvmTrust()).setHostnameVerificationAlgorithm(""));
      case "verify-full" -> o.setSslMode(SslMode.VERIFY_FULL).setSslOptions(
          new ClientSSLOptions().setTrustOptions(jvmTrust()).setHostnameVerificationAlgorithm("HTTPS"));
      default -> throw new IllegalArgumentException(
          "store.url: sslmode must be disable, prefer, require, verify-ca or verify-full, not " + mode);
    }
  }

  private static TrustOptions jvmTrust() {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init((KeyStore) null);
      return TrustOptions.wrap(factory);
    } catch (Exception e) {
      throw new IllegalArgumentException("store.url: the JVM's trusted certificates cannot be loaded: " + e.getMessage(), e);
    }
  }

  /** %-decoding (UTF-8; '+' stays '+'); a bad escape fails naming the part, not quoting it. */
  private static String decode(String s, String part) {
    if (s.indexOf('%') < 0) return s;
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); ) {
      char ch = s.charAt(i);
      if (ch == '%') {
        if (i + 2 >= s.length()) {
          throw new IllegalArgumentException("store.url: the " + part + " holds a '%' that is not followed by two hex digits");
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("store.url: the " + part + " holds a '%' that is not followed by two hex digits");
        }
        out.write(hi * 16 + lo);
        i += 3;
      } else {
        byte[] bytes = String.valueOf(ch).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(ch) && i + 1 < s.length()) {
          bytes = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        out.writeBytes(bytes);
        i++;
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public Future<Void> open() {
    synchronized (this) {
      if (openCalled) return Future.failedFuture(new IllegalStateException(name + " is opened already"));
      if (closed != null) return Future.failedFuture(new StoreUnavailableException(name + " is closed", null));
      openCalled = true;
      inFlight++; // a close() asked for meanwhile waits for the open to end, then closes its pool
    }
    Context caller = Vertx.currentContext();
    String where = "store.url: " + name;
    Pool p;
    try {
      p = PgBuilder.pool()
          .with(new PoolOptions().setMaxSize(poolSize).setName("brinjal-store-" + INSTANCES.incrementAndGet())
              .setConnectionTimeout(30).setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS))
          .with(new NetClientOptions().setConnectTimeout(10_000).setTcpKeepAlive(true))
          .connectingTo(connect)
          .using(vertx)
          .build();
    } catch (RuntimeException e) {
      ended();
      return Future.failedFuture(new StoreOpenException(where + ": " + e.getMessage(), e));
    }
    Future<Void> migrated = p.withTransaction(c -> PgSchema.migrate(c, where));
    Promise<Void> answer = Promise.promise();
    migrated.onComplete(ar -> {
      if (ar.succeeded()) {
        synchronized (this) {
          pool = p;
          usable = closed == null;
        }
        ended();
        respond(caller, answer, ar);
        return;
      }
      Throwable e = ar.cause();
      StoreOpenException failure = e instanceof StoreOpenException s ? s
          : new StoreOpenException(where + ": " + openReason(e), e);
      p.close().onComplete(v -> {
        ended();
        respond(caller, answer, Future.failedFuture(failure));
      });
    });
    return answer.future();
  }

  /** An operation counted in flight has ended: the last one after close() closes the pool. */
  private void ended() {
    boolean closeNow;
    synchronized (this) {
      closeNow = --inFlight == 0 && closed != null;
    }
    if (closeNow) closePool();
  }

  /** A failure at open, in words: what an operator should check. */
  private String openReason(Throwable e) {
    if (e instanceof PgException pg) {
      String state = pg.getSqlState() == null ? "" : pg.getSqlState();
      switch (state) {
        case "28P01":
          return "authentication failed for user " + connect.getUser() + " (wrong password?)";
        case "28000":
          return "the server refuses user " + connect.getUser() + ": " + pg.getErrorMessage();
        case "3D000":
          return "the database " + connect.getDatabase() + " does not exist";
        case "42501":
          return "permission denied: " + pg.getErrorMessage() + " (the user must be allowed to create tables in "
              + "its schema, e.g. own the database)";
        case "53300":
          return "the server has no connection slots left: " + pg.getErrorMessage();
        case "57P03":
          return "the server is not accepting connections yet (starting up or shutting down)";
        default:
          return "the database answered: " + pg.getErrorMessage() + " (SQLSTATE " + state + ")";
      }
    }
    return "cannot connect: " + reason(e);
  }

  /** A failure talking to the server, in plain words (never the password: the client has it only in memory). */
  static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) return "connection refused (is PostgreSQL running and listening there?)";
      if (t instanceof UnknownHostException) return "unknown host";
      if (t instanceof NoRouteToHostException) return "no route to host";
      if (t instanceof TimeoutException || t instanceof io.netty.channel.ConnectTimeoutException) return "timed out";
      if (t instanceof ClosedChannelException || t instanceof io.vertx.sqlclient.ClosedConnectionException) {
        return "the connection was closed";
      }
      if (t instanceof PgException pg) return pg.getErrorMessage() + " (SQLSTATE " + pg.getSqlState() + ")";
    }
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }

  @Override
  public Future<Void> close() {
    Context caller = Vertx.currentContext();
    Promise<Void> done;
    boolean closeNow;
    List<PgListener> listening;
    synchronized (this) {
      if (closed != null) return answerOn(caller, closing);
      closed = Promise.promise();
      done = closed;
      usable = false;
      closeNow = inFlight == 0;
      listening = new ArrayList<>(listeners);
      listeners.clear();
      List<Future<Void>> all = new ArrayList<>();
      for (PgListener l : listening) all.add(l.close());
      all.add(done.future());
      closing = Future.join(all).transform(ar -> Future.<Void>succeededFuture());
    }
    if (closeNow) closePool();
    return answerOn(caller, closing);
  }

  private void closePool() {
    Pool p;
    Promise<Void> done;
    synchronized (this) {
      p = pool;
      done = closed;
    }
    if (p == null) done.complete();
    else p.close().onComplete(ar -> done.complete());
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
    claimTimer = Timer.builder("brinjal.store.claim")
        .description("Time of one claim transaction of the store (lock, count, take), BEGIN to COMMIT")
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(1000))
        .register(registry);
    writeFailures = Counter.builder("brinjal.store.write.failures")
        .description("Write transactions the store could not commit (nothing of them was stored)")
        .register(registry);
  }

  // ---------------------------------------------------------------- running operations

  /**
   * Runs {@code op} against the pool if the store is open: counted as in flight (close waits for
   * it), its failure translated ({@link StoreUnavailableException} for anything the database or
   * the network did), its answer handed back on the caller's context.
   */
  private <T> Future<T> run(boolean write, String what, java.util.function.Function<Pool, Future<T>> op) {
    Context caller = Vertx.currentContext();
    Pool p;
    synchronized (this) {
      if (!usable) {
        String state = closed != null ? " is closed" : " is not open";
        return Future.failedFuture(new StoreUnavailableException(name + state, null));
      }
      p = pool;
      inFlight++;
    }
    Future<T> f;
    try {
      f = op.apply(p);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    Promise<T> answer = Promise.promise();
    f.onComplete(ar -> {
      ended();
      if (ar.succeeded()) {
        respond(caller, answer, ar);
        return;
      }
      Throwable failure = translate(ar.cause(), what);
      if (write && failure instanceof StoreUnavailableException) {
        Counter c = writeFailures;
        if (c != null) c.increment();
      }
      respond(caller, answer, Future.failedFuture(failure));
    });
    return answer.future();
  }

  private Throwable translate(Throwable e, String what) {
    if (e instanceof StaleStateException || e instanceof IllegalArgumentException
        || e instanceof StoreUnavailableException || e instanceof IllegalStateException) {
      return e;
    }
    return new StoreUnavailableException(name + ": " + what + " failed: " + reason(e), e);
  }

  private static <T> void respond(Context caller, Promise<T> answer, io.vertx.core.AsyncResult<T> ar) {
    if (caller == null || Vertx.currentContext() == caller) answer.handle(ar);
    else caller.runOnContext(v -> answer.handle(ar));
  }

  private static <T> Future<T> answerOn(Context caller, Future<T> f) {
    Promise<T> answer = Promise.promise();
    f.onComplete(ar -> respond(caller, answer, ar));
    return answer.future();
  }

  private static int shard() {
    return ThreadLocalRandom.current().nextInt(PgSchema.COUNT_SHARDS);
  }

  // ---------------------------------------------------------------- writes

  @Override
  public Future<TaskState> insert(TaskState task) {
    return EncodedTask.forNewTask(task, null).compose(e -> {
      Tuple tuple = PgRows.bind(Tuple.tuple().addString(e.state().id()), e);
      return run(true, "insert", p -> p.preparedQuery(INSERT).execute(tuple)
          .map(rows -> inserted(e, rows))
          .recover(ex -> duplicateId(e, ex)));
    });
  }

  /** The state an INSERT … RETURNING seq, fair_tag stored. */
  private static TaskState inserted(EncodedTask e, RowSet<Row> rows) {
    Row row = rows.iterator().next();
    Long fairTag = row.getLong(1);
    return e.state().inserted(row.getLong(0), fairTag == null ? TaskState.NO_TAG : fairTag);
  }

  @Override
  public Future<KeyedInsert> insertOnce(TaskState task, IdempotencyKey key, Instant now) {
    return EncodedTask.forNewTask(task, key).compose(e -> {
      Tuple insert = PgRows.bind(Tuple.tuple().addString(e.state().id()), e);
      Tuple take = Tuple.of(key.key(), key.fingerprint(), key.taskId(), key.expiresAt().toEpochMilli(), now.toEpochMilli());
      return run(true, "insert", p -> p.withTransaction(c -> c.preparedQuery(KEY_TAKE).execute(take).compose(taken -> {
        if (taken.size() == 0) {
          return c.preparedQuery(KEY_GET).execute(Tuple.of(key.key())).map(rows -> KeyedInsert.earlier(idempotencyKey(rows)));
        }
        return c.preparedQuery(INSERT).execute(insert)
            .compose(rows -> c.preparedQuery(KEYS_EXPIRED_DELETE)
                .execute(Tuple.of(now.toEpochMilli(), (long) EXPIRED_KEYS_PER_INSERT))
                .map(v -> KeyedInsert.inserted(inserted(e, rows))));
      })).recover(ex -> duplicateId(e, ex)));
    });
  }

  /** An insert refused for an id that is stored already, told as such; any other failure as it is. */
  private static <T> Future<T> duplicateId(EncodedTask e, Throwable failure) {
    return Future.failedFuture(failure instanceof PgException pg && "23505".equals(pg.getSqlState())
        ? new IllegalArgumentException("task " + e.state().id() + " exists already") : failure);
  }

  @Override
  public Future<IdempotencyKey> idempotencyKey(String key, Instant now) {
    return run(false, "idempotency key", p -> p.preparedQuery(KEY_GET).execute(Tuple.of(key)).map(rows -> {
      IdempotencyKey k = idempotencyKey(rows);
      return k != null && k.liveAt(now) ? k : null;
    }));
  }

  private static IdempotencyKey idempotencyKey(RowSet<Row> rows) {
    if (rows.size() == 0) return null;
    Row r = rows.iterator().next();
    return new IdempotencyKey(r.getString(0), r.getString(1), r.getString(2), Instant.ofEpochMilli(r.getLong(3)));
  }

  @Override
  public Future<List<TaskState>> claim(String semaphore, PermitLimits limits, int max, String owner, Instant now) {
    Objects.requireNonNull(semaphore, "semaphore");
    int limit = limits.limitOf(semaphore);
    if (max <= 0 || limit <= 0) return run(false, "claim", p -> Future.succeededFuture(List.of()));
    Long startedAt = now == null ? null : now.toEpochMilli();
    Timer timer = claimTimer;
    long start = System.nanoTime();
    boolean member = owner != null && joined.contains(owner);
    String sql = member ? CLAIM_AS_MEMBER : CLAIM;
    Future<List<TaskState>> claimed = limits.needsCheckedClaim(semaphore)
        ? run(true, "claim", p -> p.withTransaction(c -> checkedClaim(c, semaphore, limits, max, owner, member, startedAt)))
        : run(true, "claim", p -> transaction(p,
            new Statement(SEMAPHORE_LOCK, Tuple.of(semaphore)),
            new Statement(sql, Tuple.of(semaphore, (long) max, (long) limit, owner, startedAt)))
            .map(results -> tasks(results.get(1))));
    return claimed
        .map(tasks -> {
          List<TaskState> inOrder = new ArrayList<>(tasks);
          inOrder.sort(Comparator.comparingInt((TaskState t) -> -t.priority()).thenComparingLong(TaskState::turn)
              .thenComparingLong(TaskState::seq));
          return inOrder;
        })
        .onComplete(ar -> {
          if (timer != null) timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        });
  }

  /**
   * A claim that looks past tasks that do not fit (see {@link PermitCounts}), in several round
   * trips of one transaction: first which other semaphores the front of the line takes; then the
   * locks of all of them and of this one, in name order (every claim that takes more than one
   * lock takes them in that order, and a plain claim takes one: no two claims can deadlock); then
   * the line again, every holder and the limits kept in the store, all read after those locks so
   * no claim of those semaphores commits in between; then the tasks that fit, stored as running.
   * A task that came meanwhile with a semaphore not locked is left for the next claim.
   */
  private Future<List<TaskState>> checkedClaim(SqlConnection c, String semaphore, PermitLimits asked, int max,
      String owner, boolean member, Long startedAt) {
    java.util.TreeSet<String> locked = new java.util.TreeSet<>(List.of(semaphore));
    return c.preparedQuery(OTHER_SEMAPHORES).execute(Tuple.of(semaphore, (long) CLAIM_SCAN)).compose(others -> {
      for (Row r : others) locked.addAll(EncodedTask.splitNames(r.getString(0)));
      Future<Void> locking = Future.succeededFuture();
      for (String name : locked) {
        locking = locking.compose(v -> c.preparedQuery(SEMAPHORE_LOCK).execute(Tuple.of(name)).mapEmpty());
      }
      return locking;
    }).compose(v -> member ? c.preparedQuery(MEMBER).execute(Tuple.of(owner)).map(rows -> rows.size() > 0)
        : Future.succeededFuture(true)).compose(may -> !may ? Future.succeededFuture(List.<TaskState>of())
        : c.preparedQuery(CHECKED_LINE).execute(Tuple.of(semaphore, (long) CLAIM_SCAN))
            .compose(line -> c.query(SEMAPHORE_SETTINGS).execute()
                .compose(settings -> c.query(HOLDERS).execute().compose(holders -> {
                  PermitLimits limits = storedOver(asked, settings);
                  PermitCounts counts = new PermitCounts();
                  for (Row h : holders) {
                    counts.add(h.getString(0), EncodedTask.splitNames(h.getString(1)), EncodedTask.keyOf(h.getString(2)));
                  }
                  List<Long> chosen = new ArrayList<>();
                  for (Row r : line) {
                    if (!counts.roomFor(semaphore, chosen.size(), max, limits)) break;
                    List<String> extra = EncodedTask.splitNames(r.getString(1));
                    // a semaphore whose lock this claim did not take (the line changed since) is not counted on
                    if (locked.containsAll(extra) && counts.take(semaphore, extra, EncodedTask.keyOf(r.getString(2)), limits)) {
                      chosen.add(r.getLong(0));
                    }
                  }
                  if (chosen.isEmpty()) return Future.succeededFuture(List.<TaskState>of());
                  return c.preparedQuery(CLAIM_SEQS).execute(Tuple.of(chosen.toArray(new Long[0]), owner, startedAt))
                      .map(PgTaskStore::tasks);
                }))));
  }

  private static final String LIMIT_KEY_PREFIX = TaskStore.semaphoreLimitKey("");
  private static final String PER_KEY_KEY_PREFIX = TaskStore.semaphorePerKeyKey("");

  /** The limits a caller passed, with those kept in the store (set at run time for every node) over them. */
  private static PermitLimits storedOver(PermitLimits asked, RowSet<Row> settings) {
    Map<String, Integer> limits = new HashMap<>(asked.limits());
    Map<String, Integer> perKey = new HashMap<>(asked.perKey());
    for (Row r : settings) {
      String key = r.getString(0);
      Integer value;
      try {
        value = Integer.valueOf(r.getString(1).trim());
      } catch (NumberFormatException e) {
        continue; // not ours: the configured value applies
      }
      if (key.startsWith(LIMIT_KEY_PREFIX)) limits.put(key.substring(LIMIT_KEY_PREFIX.length()), value);
      else if (key.startsWith(PER_KEY_KEY_PREFIX)) perKey.put(key.substring(PER_KEY_KEY_PREFIX.length()), value);
    }
    return new PermitLimits(limits, perKey, asked.severalSemaphores());
  }

  @Override
  public Future<List<TaskState>> promoteDue(Instant now, int max) {
    if (max <= 0) return run(false, "promote", p -> Future.succeededFuture(List.of()));
    return run(true, "promote", p -> p.preparedQuery(PROMOTE_DUE).execute(Tuple.of(now.toEpochMilli(), (long) max))
        .map(rows -> {
          List<TaskState> promoted = new ArrayList<>(rows.size());
          for (Row r : rows) promoted.add(PgRows.read(r));
          promoted.sort(Comparator.comparingLong(TaskState::seq));
          return promoted;
        }));
  }

  @Override
  public Future<Instant> nextRunAt() {
    return run(false, "nextRunAt", p -> p.query(NEXT_RUN_AT).execute().map(rows -> {
      Long millis = rows.iterator().next().getLong(0);
      return millis == null ? null : Instant.ofEpochMilli(millis);
    }));
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
    Tuple tuple = PgRows.bindMutable(Tuple.tuple(), e).addString(next.id()).addLong(next.version() - 1);
    return run(true, "update", p -> p.preparedQuery(UPDATE_LIVE).execute(tuple).compose(rows -> {
      if (rows.rowCount() == 1) return Future.succeededFuture(e.state());
      // stale, or the stored state is finished (a retry re-queues it): decide under the row lock
      return p.withTransaction(c -> replaceLocked(c, e).compose(was -> {
        int done = was == TaskStatus.DONE ? -1 : 0;
        int failed = isFailedKind(was) ? -1 : 0;
        if (done == 0 && failed == 0) return Future.succeededFuture(e.state());
        return c.preparedQuery(COUNT_ONLY).execute(Tuple.of((long) done, (long) failed, shard())).map(v -> e.state());
      }));
    }));
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
    Tuple tuple = PgRows.bindMutable(Tuple.tuple(), e).addString(terminal.id()).addLong(terminal.version() - 1);
    int ownDone = terminal.status() == TaskStatus.DONE ? 1 : 0;
    int ownFailed = 1 - ownDone;
    Tuple prune = pruneArgs(true, ownDone, ownFailed, MemoryTaskStore.PRUNE_BATCH);
    return run(true, "finish", p -> transaction(p, new Statement(FINISH_LIVE, tuple),
            new Statement(PRUNE_AFTER_FINISH, prune))
        .compose(results -> {
          if (results.get(0).rowCount() == 1) return Future.succeededFuture(pruned(results.get(1)));
          // nothing was written: stale, or finished already (e.g. failed → cancelled); decide under the row lock
          return p.withTransaction(c -> replaceLocked(c, e).compose(was -> c.query(TRY_PRUNE_LOCK).execute()
              .compose(lock -> pruneAndCount(c,
                  lock.iterator().next().getBoolean(0),
                  ownDone - (was == TaskStatus.DONE ? 1 : 0),
                  ownFailed - (isFailedKind(was) ? 1 : 0),
                  MemoryTaskStore.PRUNE_BATCH))));
        })
        .map(pruned -> new Finished(e.state(), pruned)));
  }

  /**
   * Under the row lock: fails as stale unless the stored version is the one {@code e} replaces,
   * then writes it. Answers the status it had.
   */
  private static Future<TaskStatus> replaceLocked(SqlConnection c, EncodedTask e) {
    TaskState next = e.state();
    long expected = next.version() - 1;
    return c.preparedQuery(BY_ID_LOCKED).execute(Tuple.of(next.id())).compose(rows -> {
      TaskState current = rows.size() == 0 ? null : PgRows.read(rows.iterator().next());
      if (current == null || current.version() != expected) {
        return Future.failedFuture(new StaleStateException(next.id(), expected, current));
      }
      Tuple tuple = PgRows.bindMutable(Tuple.tuple(), e).addLong(current.seq());
      return c.preparedQuery(UPDATE_BY_SEQ).execute(tuple).map(v -> current.status());
    });
  }

  private static boolean isFailedKind(TaskStatus s) {
    return s == TaskStatus.FAILED || s == TaskStatus.CANCELLED;
  }

  /**
   * Prunes beyond the retention (if this transaction holds the prune lock) and adds this
   * transaction's change of the finished counts, as its last statement; the pruned ids, oldest first.
   */
  private Future<List<String>> pruneAndCount(SqlConnection c, boolean mayPrune, int ownDone, int ownFailed, int max) {
    return c.preparedQuery(PRUNE_AND_COUNT).execute(pruneArgs(mayPrune, ownDone, ownFailed, max))
        .map(PgTaskStore::pruned);
  }

  private Tuple pruneArgs(boolean mayPrune, int ownDone, int ownFailed, int max) {
    return Tuple.of(mayPrune, (long) ownDone, (long) retention.done(), (long) Math.max(0, max), (long) ownFailed,
        (long) retention.failed(), shard());
  }

  /** The ids of pruned rows (seq, id, completed_at), oldest first. */
  private static List<String> pruned(RowSet<Row> rows) {
    record Victim(long seq, String id, long completedAt) {}
    List<Victim> victims = new ArrayList<>(rows.size());
    for (Row r : rows) {
      Long completedAt = r.getLong(2);
      victims.add(new Victim(r.getLong(0), r.getString(1), completedAt == null ? Long.MIN_VALUE : completedAt));
    }
    victims.sort(Comparator.comparingLong(Victim::completedAt).thenComparingLong(Victim::seq));
    List<String> ids = new ArrayList<>(victims.size());
    for (Victim v : victims) ids.add(v.id());
    return ids;
  }

  /** A statement of a {@link #transaction} and its parameters. */
  private record Statement(String sql, Tuple args) {}

  /**
   * One transaction in one round trip: BEGIN, the statements and COMMIT are handed to one
   * connection at once. The client sends them in that order without waiting for answers (a
   * statement it must prepare first holds back those after it until it is sent), and the server
   * runs them in order, each statement with a snapshot of its own (READ COMMITTED). If one
   * fails, those after it fail as "transaction aborted" and the COMMIT rolls back: the answer is
   * then the first failure, and nothing was stored. The connection goes back to the pool only
   * once the COMMIT is answered, so it never returns inside a transaction.
   */
  private static Future<List<RowSet<Row>>> transaction(Pool p, Statement... statements) {
    return p.withConnection(c -> {
      List<Future<RowSet<Row>>> steps = new ArrayList<>(statements.length + 2);
      steps.add(c.query("BEGIN").execute());
      for (Statement st : statements) steps.add(c.preparedQuery(st.sql()).execute(st.args()));
      steps.add(c.query("COMMIT").execute());
      return Future.join(steps).transform(ar -> {
        for (Future<RowSet<Row>> step : steps) {
          if (step.failed()) return Future.failedFuture(step.cause());
        }
        return Future.succeededFuture(new ArrayList<>(steps.subList(1, steps.size() - 1).stream()
            .map(Future::result).toList()));
      });
    });
  }

  @Override
  public Future<List<String>> prune(int max) {
    if (max <= 0) return run(false, "prune", p -> Future.succeededFuture(List.of()));
    return run(true, "prune", p -> transaction(p, new Statement(PRUNE_LOCK_WAIT, Tuple.tuple()),
        new Statement(PRUNE_AND_COUNT, pruneArgs(true, 0, 0, max))).map(results -> pruned(results.get(1))));
  }

  @Override
  public Future<TaskState> delete(String id) {
    return run(true, "delete", p -> p.preparedQuery(DELETE_BY_ID).execute(Tuple.of(id, shard()))
        .map(rows -> rows.size() == 0 ? null : PgRows.read(rows.iterator().next())));
  }

  @Override
  public Future<List<String>> deleteFinished(int max) {
    if (max <= 0) return run(false, "deleteFinished", p -> Future.succeededFuture(List.of()));
    return run(true, "deleteFinished", p -> transaction(p, new Statement(PRUNE_LOCK_WAIT, Tuple.tuple()),
            new Statement(DELETE_FINISHED, Tuple.of((long) max, shard())))
        .map(results -> {
          RowSet<Row> rows = results.get(1);
          record Gone(long seq, String id) {}
          List<Gone> gone = new ArrayList<>(rows.size());
          for (Row r : rows) gone.add(new Gone(r.getLong(0), r.getString(1)));
          gone.sort(Comparator.comparingLong(Gone::seq));
          List<String> ids = new ArrayList<>(gone.size());
          for (Gone g : gone) ids.add(g.id());
          return ids;
        }));
  }

  @Override
  public Future<List<TaskState>> recover(String owner, UnaryOperator<TaskState> decide) {
    Objects.requireNonNull(decide, "decide");
    return run(true, "recover", p -> p.withTransaction(c -> {
      Future<RowSet<Row>> holding = owner == null
          ? c.query(HOLDING).execute()
          : c.preparedQuery(HOLDING_OF_OWNER).execute(Tuple.of(owner));
      return holding.compose(rows -> {
        List<TaskState> recovered = new ArrayList<>(rows.size());
        List<Tuple> writes = new ArrayList<>(rows.size());
        int done = 0;
        int failed = 0;
        for (Row row : rows) {
          TaskState t = PgRows.read(row);
          TaskState next = decide.apply(t);
          if (next == null || next.version() != t.version() + 1 || !next.id().equals(t.id())) {
            return Future.failedFuture(new IllegalArgumentException("decide must answer the next version of the same task"));
          }
          EncodedTask e = EncodedTask.forUpdate(next);
          writes.add(PgRows.bindMutable(Tuple.tuple(), e).addLong(t.seq()));
          if (next.status() == TaskStatus.DONE) done++;
          else if (isFailedKind(next.status())) failed++;
          recovered.add(e.state());
        }
        int ownDone = done;
        int ownFailed = failed;
        Future<?> written = writes.isEmpty() ? Future.succeededFuture()
            : c.preparedQuery(UPDATE_BY_SEQ).executeBatch(writes);
        return written
            .compose(v -> c.query(PRUNE_LOCK_WAIT).execute())
            .compose(v -> pruneAndCount(c, true, ownDone, ownFailed, MemoryTaskStore.PRUNE_BATCH))
            .map(pruned -> recovered);
      });
    }));
  }

  // ---------------------------------------------------------------- event ids, schedules, meta (writes)

  @Override
  public Future<Long> reserveEventIds(long count) {
    if (count < 0) return Future.failedFuture(new IllegalArgumentException("count must not be negative"));
    return run(true, "reserveEventIds", p -> p.preparedQuery(RESERVE_EVENT_IDS).execute(Tuple.of(count))
        .map(rows -> {
          if (rows.size() != 1) throw new IllegalStateException(name + " has no row in brinjal_event_ids");
          return rows.iterator().next().getLong(0);
        }));
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
    return run(true, "saveSchedule", p -> p.preparedQuery(SCHEDULE_PUT).execute(Tuple.of(id, definition)).mapEmpty());
  }

  @Override
  public Future<Void> deleteSchedule(String id) {
    return run(true, "deleteSchedule", p -> p.preparedQuery(SCHEDULE_DELETE).execute(Tuple.of(id)).mapEmpty());
  }

  /** A null value removes the key (it reads back as null, as if never set). */
  @Override
  public Future<Void> putMeta(String key, String value) {
    Objects.requireNonNull(key, "key");
    return run(true, "putMeta", p -> (value == null
        ? p.preparedQuery(META_DELETE).execute(Tuple.of(key))
        : p.preparedQuery(META_PUT).execute(Tuple.of(key, value))).mapEmpty());
  }

  /** Under the semaphore's claim lock: a claim in flight finishes first, every later one sees the new limit. */
  @Override
  public Future<Void> putSemaphoreLimit(String semaphore, Integer limit) {
    return putSemaphoreSetting(semaphore, TaskStore.semaphoreLimitKey(semaphore), limit);
  }

  @Override
  public Future<Void> putSemaphorePerKey(String semaphore, Integer perKey) {
    return putSemaphoreSetting(semaphore, TaskStore.semaphorePerKeyKey(semaphore), perKey);
  }

  /** Under the semaphore's lock, which every claim of it takes: no claim after this uses the old value. */
  private Future<Void> putSemaphoreSetting(String semaphore, String key, Integer value) {
    Objects.requireNonNull(semaphore, "semaphore");
    Statement write = value == null ? new Statement(META_DELETE, Tuple.of(key))
        : new Statement(META_PUT, Tuple.of(key, Integer.toString(value)));
    return run(true, "putSemaphoreSetting", p -> transaction(p, new Statement(SEMAPHORE_LOCK, Tuple.of(semaphore)), write)
        .mapEmpty());
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Future<TaskState> get(String id) {
    return run(false, "get", p -> p.preparedQuery(BY_ID).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : PgRows.read(rows.iterator().next())));
  }

  @Override
  public Future<TaskPage> list(TaskQuery query) {
    int limit = query.limit();
    long want = limit + 1L;
    List<TaskStatus> statuses = new ArrayList<>(query.statuses());
    statuses.sort(null);
    String sql;
    Tuple args = Tuple.tuple();
    if (statuses.isEmpty()) {
      sql = LIST;
      args.addLong(query.afterSeq()).addLong(query.upToSeq()).addLong(want);
    } else {
      // each status through its own index range, merged by seq: bounded by (limit + 1) × statuses
      int n = statuses.size();
      StringBuilder sb = new StringBuilder("SELECT ").append(PgRows.COLUMNS).append(" FROM (");
      for (int i = 0; i < n; i++) {
        if (i > 0) sb.append(" UNION ALL ");
        sb.append("(SELECT ").append(PgRows.COLUMNS).append(" FROM brinjal_tasks WHERE status = $").append(i + 1)
            .append(" AND seq > $").append(n + 1).append(" AND seq <= $").append(n + 2)
            .append(" ORDER BY seq LIMIT $").append(n + 3).append(')');
      }
      sb.append(") s ORDER BY seq LIMIT $").append(n + 3);
      sql = sb.toString();
      for (TaskStatus s : statuses) args.addString(s.wire());
      args.addLong(query.afterSeq()).addLong(query.upToSeq()).addLong(want);
    }
    return run(false, "list", p -> p.preparedQuery(sql).execute(args).map(rows -> {
      List<TaskState> tasks = tasks(rows);
      boolean more = tasks.size() > limit;
      return new TaskPage(more ? tasks.subList(0, limit) : tasks, more);
    }));
  }

  @Override
  public Future<List<String>> search(TaskCriteria criteria) {
    if (criteria.matchesNothing()) return run(false, "search", p -> Future.succeededFuture(List.of()));
    String taskId = criteria.requiredText(TaskField.TASK_ID);
    if (taskId != null) {
      return run(false, "search", p -> p.preparedQuery(BY_ID).execute(Tuple.of(taskId)).map(rows -> {
        if (rows.size() == 0) return List.<String>of();
        TaskState t = PgRows.read(rows.iterator().next());
        return criteria.matches(t) ? List.of(t.id()) : List.<String>of();
      }));
    }
    // narrow the scan with what SQL can check; criteria.matches() decides
    List<String> values = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT ").append(PgRows.COLUMNS).append(" FROM brinjal_tasks WHERE seq > $1");
    narrow(criteria, TaskField.STATUS, "status", sql, values);
    narrow(criteria, TaskField.TASK_TYPE, "task_type", sql, values);
    narrow(criteria, TaskField.PARENT_ID, "parent_id", sql, values);
    narrow(criteria, TaskField.SEMAPHORE_NAME, "semaphore", sql, values);
    sql.append(" ORDER BY seq LIMIT ").append(SEARCH_CHUNK);
    String query = sql.toString();
    return run(false, "search", p -> {
      List<String> ids = new ArrayList<>();
      return searchFrom(p, query, values, criteria, 0, ids).map(v -> ids);
    });
  }

  private Future<Void> searchFrom(Pool p, String query, List<String> values, TaskCriteria criteria, long after,
      List<String> ids) {
    Tuple args = Tuple.tuple().addLong(after);
    for (String v : values) args.addString(v);
    return p.preparedQuery(query).execute(args).compose(rows -> {
      long last = after;
      int n = 0;
      for (Row row : rows) {
        n++;
        TaskState t = PgRows.read(row);
        last = t.seq();
        if (criteria.matches(t)) ids.add(t.id());
      }
      if (n < SEARCH_CHUNK) return Future.succeededFuture();
      return searchFrom(p, query, values, criteria, last, ids);
    });
  }

  private static void narrow(TaskCriteria criteria, TaskField field, String column, StringBuilder sql,
      List<String> values) {
    String value = criteria.requiredText(field);
    if (value == null) return;
    sql.append(" AND ").append(column).append(" = $").append(values.size() + 2);
    values.add(value);
  }

  @Override
  public Future<Map<TaskStatus, Long>> countByStatus() {
    return run(false, "countByStatus", p -> p.query(COUNT_BY_STATUS).execute().map(rows -> {
      Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
      for (Row r : rows) {
        TaskStatus status = TaskStatus.fromWire(r.getString(0));
        if (status != null) counts.put(status, r.getLong(1));
      }
      return counts;
    }));
  }

  @Override
  public Future<Long> lastSeq() {
    return run(false, "lastSeq", p -> p.query(LAST_SEQ).execute().map(rows -> rows.iterator().next().getLong(0)));
  }

  @Override
  public Future<List<QueuedTask>> queued() {
    return run(false, "queued", p -> p.query(QUEUED).execute().map(rows -> {
      List<QueuedTask> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(new QueuedTask(r.getString(0), r.getString(1), r.getInteger(2), r.getLong(3), r.getString(4),
            r.getBoolean(5), r.getBoolean(6)));
      }
      return out;
    }));
  }

  @Override
  public Future<List<ObjectNode>> schedules() {
    return run(false, "schedules", p -> p.query(SCHEDULES).execute().map(rows -> {
      List<ObjectNode> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        String id = r.getString(0);
        JsonNode node = PgRows.parse(id, "schedule", r.getString(1));
        if (!(node instanceof ObjectNode schedule)) throw new IllegalStateException("schedule " + id + " is not a JSON object");
        out.add(schedule);
      }
      return out;
    }));
  }

  @Override
  public Future<String> meta(String key) {
    return run(false, "meta", p -> p.preparedQuery(META_GET).execute(Tuple.of(key))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0)));
  }

  // ---------------------------------------------------------------- several nodes (ClusterStore)

  /** The largest payload {@link #notifyNodes} sends, in bytes of UTF-8 (PostgreSQL refuses 8,000 and more). */
  static final int MAX_PAYLOAD_BYTES = 7_900;
  /** How often (at most) a store forgets old tombstones and firings, when reaping or claiming a firing. */
  static final long HOUSEKEEPING_NANOS = 60_000_000_000L;

  static final String JOIN = "INSERT INTO brinjal_nodes (node_id, joined_at, heartbeat_at) SELECT $1, n.t, n.t FROM "
      + "(SELECT " + NOW_MS + " AS t) n";
  static final String HEARTBEAT = "UPDATE brinjal_nodes SET heartbeat_at = " + NOW_MS + " WHERE node_id = $1";
  static final String LEAVE = "DELETE FROM brinjal_nodes WHERE node_id = $1";
  static final String NODES = "SELECT node_id, joined_at, " + NOW_MS + " - heartbeat_at FROM brinjal_nodes "
      + "ORDER BY joined_at, node_id";
  /**
   * Who is to be reaped, in one query: nodes whose lease ran out (kind 0, oldest renewal first),
   * then owners of tasks holding a permit that have no row at all, when those tasks were not
   * written for as long as a lease lasts (kind 1; the owner may be null).
   */
  static final String REAP_CANDIDATES = "SELECT 0 AS kind, node_id AS owner, heartbeat_at AS since FROM brinjal_nodes "
      + "WHERE heartbeat_at < " + NOW_MS + " - $1::bigint "
      + "UNION ALL SELECT 1, t.owner, min(t.changed_at) FROM brinjal_tasks t WHERE t.status IN " + HOLDING_STATUSES
      + " AND t.changed_at < " + NOW_MS + " - $1::bigint "
      + "AND NOT EXISTS (SELECT 1 FROM brinjal_nodes n WHERE n.node_id = t.owner) GROUP BY t.owner "
      + "ORDER BY 1, 3, 2";
  /**
   * Takes a dead node's row, if its lease is still out when the row lock is had: of two reapers,
   * the second waits for the first and then finds no row.
   */
  static final String REAP_NODE = "DELETE FROM brinjal_nodes WHERE node_id = $1 AND heartbeat_at < " + NOW_MS
      + " - $2::bigint RETURNING node_id";
  /**
   * After {@link #REAP_NODE}, in the next statement of its transaction (so with a snapshot taken
   * after the DELETE got its row lock: every claim by that node committed before is seen, and
   * none can start after, see {@link #CLAIM_AS_MEMBER}): its tasks holding a permit, locked.
   */
  static final String HOLDING_OF_REAPED = "SELECT " + PgRows.COLUMNS + " FROM brinjal_tasks WHERE status IN "
      + HOLDING_STATUSES + " AND owner = $1 AND NOT EXISTS (SELECT 1 FROM brinjal_nodes WHERE node_id = $1) "
      + "ORDER BY seq FOR UPDATE";
  /** Tasks of an owner with no row, holding a permit, not written for a lease's length, locked (rechecked once locked). */
  static final String HOLDING_OF_ORPHAN = "SELECT " + PgRows.COLUMNS + " FROM brinjal_tasks t WHERE t.status IN "
      + HOLDING_STATUSES + " AND t.owner IS NOT DISTINCT FROM $1::text AND t.changed_at < " + NOW_MS + " - $2::bigint "
      + "AND NOT EXISTS (SELECT 1 FROM brinjal_nodes n WHERE n.node_id = t.owner) ORDER BY t.seq FOR UPDATE OF t";
  /** Tries the prune lock and notes the outcome for {@link #PRUNE_AFTER_FINISH} (as {@link #FINISH_LIVE} does). */
  static final String MAY_PRUNE = "SELECT set_config('brinjal.may_prune', pg_try_advisory_xact_lock(" + PRUNE_LOCK
      + ")::text, true)";
  static final String FORGET_OLD = "WITH r AS (DELETE FROM brinjal_removed WHERE removed_at < " + NOW_MS + " - "
      + PgSchema.REMOVED_KEPT_MS + "), f AS (DELETE FROM brinjal_firings WHERE due_at < " + NOW_MS + " - "
      + PgSchema.FIRINGS_KEPT_MS + ") SELECT 1";
  /** Idempotent: a task whose cancel was asked for already keeps its version. */
  static final String REQUEST_CANCEL = "UPDATE brinjal_tasks SET cancel_requested = true, version = version + 1" + STAMP
      + " WHERE id = $1 AND status IN " + HOLDING_STATUSES + " AND NOT cancel_requested RETURNING " + PgRows.COLUMNS;
  /** Each half through its partial index. */
  static final String SEMAPHORE_COUNTS = "SELECT semaphore, sum(r)::bigint, sum(w)::bigint FROM ("
      + "SELECT semaphore, count(*) AS r, 0::bigint AS w FROM brinjal_tasks WHERE status IN " + HOLDING_STATUSES
      + " GROUP BY semaphore UNION ALL "
      + "SELECT semaphore, 0::bigint, count(*) FROM brinjal_tasks WHERE status = 'queued' GROUP BY semaphore) s "
      + "GROUP BY semaphore";
  /** A firing due before what is remembered cannot be told from one taken then: it is refused. */
  static final String CLAIM_FIRING = "INSERT INTO brinjal_firings (schedule_id, due_at) SELECT $1, $2::bigint "
      + "WHERE $2::bigint >= " + NOW_MS + " - " + PgSchema.FIRINGS_KEPT_MS + " ON CONFLICT DO NOTHING";
  /** One transaction's payloads, sent in their order (NOTIFY delivers a transaction's notifications in order). */
  static final String NOTIFY = "SELECT pg_notify('" + PgListener.CHANNEL + "', u.x) FROM unnest($1::text[]) "
      + "WITH ORDINALITY AS u(x, n) ORDER BY u.n";
  /**
   * Tasks changed after $1 (at most $2 of them), the tombstones after $1 (on the first row), and
   * the time of the query: all from one statement, so from one snapshot. The time is taken from
   * {@code statement_timestamp()}, set when the statement arrived, before its snapshot; floored
   * to the millisecond and less one, so that a write stamped after the snapshot (stamps are
   * rounded) is stamped after it too.
   */
  static final String CHANGES = "WITH q AS (SELECT floor(extract(epoch from statement_timestamp()) * 1000)::bigint - 1 "
      + "AS as_of), "
      + "r AS (SELECT coalesce(array_agg(id ORDER BY removed_at, id), '{}'::text[]) AS ids, "
      + "coalesce(array_agg(removed_at ORDER BY removed_at, id), '{}'::bigint[]) AS ats FROM brinjal_removed "
      + "WHERE removed_at > $1), "
      + "t AS (SELECT " + PgRows.COLUMNS + ", changed_at, row_number() OVER (ORDER BY changed_at, seq) AS rn "
      + "FROM brinjal_tasks WHERE changed_at > $1 ORDER BY changed_at, seq LIMIT $2) "
      + "SELECT " + prefixed("t.", PgRows.COLUMNS) + ", t.changed_at, q.as_of, "
      + "CASE WHEN coalesce(t.rn, 1) = 1 THEN r.ids END, CASE WHEN coalesce(t.rn, 1) = 1 THEN r.ats END "
      + "FROM q CROSS JOIN r LEFT JOIN t ON true ORDER BY t.changed_at, t.seq";
  static final String CHANGED_AT = "SELECT " + PgRows.COLUMNS + " FROM brinjal_tasks WHERE changed_at = $1 ORDER BY seq";

  @Override
  public Future<Void> join(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    return run(true, "join", p -> p.preparedQuery(JOIN).execute(Tuple.of(nodeId))
        .recover(ex -> Future.failedFuture(ex instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? new IllegalArgumentException("node " + nodeId + " is registered already") : ex))
        .map(rows -> {
          joined.add(nodeId);
          return null;
        }));
  }

  @Override
  public Future<Boolean> heartbeat(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    return run(true, "heartbeat", p -> p.preparedQuery(HEARTBEAT).execute(Tuple.of(nodeId))
        .map(rows -> rows.rowCount() == 1));
  }

  @Override
  public Future<Void> leave(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    return run(true, "leave", p -> p.preparedQuery(LEAVE).execute(Tuple.of(nodeId)).mapEmpty());
  }

  @Override
  public Future<List<NodeInfo>> nodes() {
    return run(false, "nodes", p -> p.query(NODES).execute().map(rows -> {
      List<NodeInfo> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(new NodeInfo(r.getString(0), Instant.ofEpochMilli(r.getLong(1)),
            Duration.ofMillis(Math.max(0, r.getLong(2)))));
      }
      return out;
    }));
  }

  /**
   * One transaction per node to reap (and one per owner without a row), one after the other; the
   * first that fails fails the call (those before it are stored, and their states are not
   * answered: {@link #changedSince} finds them). A reaped node's tasks are locked with the
   * DELETE of its row held, so a node frozen inside a transaction of its own on one of them
   * (only the few non-pipelined writes wait for the client) holds the reaper up to
   * {@code idle_in_transaction_session_timeout} (30 s).
   */
  @Override
  public Future<List<TaskState>> reapDead(Duration timeout, UnaryOperator<TaskState> decide) {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(decide, "decide");
    if (timeout.isNegative()) return Future.failedFuture(new IllegalArgumentException("timeout must not be negative"));
    long ms = timeout.toMillis();
    return run(true, "reapDead", p -> p.preparedQuery(REAP_CANDIDATES).execute(Tuple.of(ms)).compose(rows -> {
      List<TaskState> reaped = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (Row r : rows) {
        boolean node = r.getInteger(0) == 0;
        String owner = r.getString(1);
        chain = chain.compose(v -> reapOne(p, node, owner, ms, decide).map(states -> {
          reaped.addAll(states);
          return null;
        }));
      }
      return chain.compose(v -> housekeeping(p)).map(v -> reaped);
    }));
  }

  /**
   * Reaps one dead node (or one owner without a row): BEGIN, the DELETE of its row and the lock
   * of its tasks in one round trip; then, decided here, their writes, the pruning and COMMIT in a
   * second one.
   */
  private Future<List<TaskState>> reapOne(Pool p, boolean node, String owner, long timeoutMs,
      UnaryOperator<TaskState> decide) {
    return p.withConnection(c -> {
      List<Future<RowSet<Row>>> first = new ArrayList<>(3);
      first.add(c.query("BEGIN").execute());
      if (node) {
        first.add(c.preparedQuery(REAP_NODE).execute(Tuple.tuple().addString(owner).addLong(timeoutMs)));
        first.add(c.preparedQuery(HOLDING_OF_REAPED).execute(Tuple.of(owner)));
      } else {
        first.add(c.preparedQuery(HOLDING_OF_ORPHAN).execute(Tuple.tuple().addString(owner).addLong(timeoutMs)));
      }
      return Future.join(first).transform(ar -> {
        Throwable failure = firstFailure(first);
        if (failure != null) return rollback(c, failure).map(v -> List.<TaskState>of());
        if (node && first.get(1).result().rowCount() == 0) {
          return rollback(c, null).map(v -> List.<TaskState>of()); // alive after all, or reaped by another node
        }
        List<TaskState> recovered = new ArrayList<>();
        List<Tuple> writes = new ArrayList<>();
        int done = 0;
        int failed = 0;
        try {
          for (Row row : first.get(first.size() - 1).result()) {
            TaskState t = PgRows.read(row);
            TaskState next = decide.apply(t);
            if (next == null || next.version() != t.version() + 1 || !next.id().equals(t.id())) {
              throw new IllegalArgumentException("decide must answer the next version of the same task");
            }
            EncodedTask e = EncodedTask.forUpdate(next);
            writes.add(PgRows.bindMutable(Tuple.tuple(), e).addLong(t.seq()));
            if (next.status() == TaskStatus.DONE) done++;
            else if (isFailedKind(next.status())) failed++;
            recovered.add(e.state());
          }
        } catch (RuntimeException e) {
          return rollback(c, e).map(v -> List.<TaskState>of());
        }
        List<Future<RowSet<Row>>> second = new ArrayList<>(4);
        if (!writes.isEmpty()) {
          second.add(c.preparedQuery(UPDATE_BY_SEQ).executeBatch(writes));
          if (done + failed > 0) {
            second.add(c.query(MAY_PRUNE).execute());
            second.add(c.preparedQuery(PRUNE_AFTER_FINISH).execute(pruneArgs(true, done, failed,
                MemoryTaskStore.PRUNE_BATCH)));
          }
        }
        second.add(c.query("COMMIT").execute()); // after a failed statement, it rolls back
        return Future.join(second).transform(ar2 -> {
          Throwable f = firstFailure(second);
          return f == null ? Future.succeededFuture(recovered) : Future.failedFuture(f);
        });
      });
    });
  }

  private static Throwable firstFailure(List<Future<RowSet<Row>>> steps) {
    for (Future<RowSet<Row>> step : steps) {
      if (step.failed()) return step.cause();
    }
    return null;
  }

  /** Ends the connection's transaction, then fails with {@code cause} (or succeeds when it is null). */
  private static Future<Void> rollback(SqlConnection c, Throwable cause) {
    return c.query("ROLLBACK").execute().transform(ar -> cause == null
        ? (ar.succeeded() ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(ar.cause()))
        : Future.<Void>failedFuture(cause));
  }

  /** At most once a minute per store: forgets tombstones older than an hour and firings older than a day. */
  private Future<Void> housekeeping(Pool p) {
    long now = System.nanoTime();
    long last = lastHousekeeping.get();
    if (now - last < HOUSEKEEPING_NANOS || !lastHousekeeping.compareAndSet(last, now)) return Future.succeededFuture();
    return p.query(FORGET_OLD).execute().<Void>mapEmpty().recover(e -> {
      lastHousekeeping.compareAndSet(now, last); // the next call tries again; what was asked for is done
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<TaskState> requestCancel(String id) {
    Objects.requireNonNull(id, "id");
    // both in one round trip: the read (its own statement, so a snapshot taken after the update
    // committed) answers when the update found no running task
    return run(true, "requestCancel", p -> p.withConnection(c -> {
      Future<RowSet<Row>> update = c.preparedQuery(REQUEST_CANCEL).execute(Tuple.of(id));
      Future<RowSet<Row>> read = c.preparedQuery(BY_ID).execute(Tuple.of(id));
      return Future.join(update, read).transform(ar -> {
        if (update.failed()) return Future.failedFuture(update.cause());
        if (update.result().size() == 1) return Future.succeededFuture(PgRows.read(update.result().iterator().next()));
        if (read.failed()) return Future.failedFuture(read.cause());
        RowSet<Row> rows = read.result();
        return Future.succeededFuture(rows.size() == 0 ? null : PgRows.read(rows.iterator().next()));
      });
    }));
  }

  @Override
  public Future<Map<String, SemaphoreCount>> semaphoreCounts() {
    return run(false, "semaphoreCounts", p -> p.query(SEMAPHORE_COUNTS).execute().map(rows -> {
      Map<String, SemaphoreCount> out = new TreeMap<>();
      for (Row r : rows) {
        out.put(r.getString(0), new SemaphoreCount(saturated(r.getLong(1)), saturated(r.getLong(2))));
      }
      return out;
    }));
  }

  private static int saturated(long n) {
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  /**
   * True for exactly one caller per (schedule, due). Firings are remembered a day: one due
   * longer ago than that (database clock) answers false for every caller, since a firing taken
   * then can no longer be told from one never taken.
   */
  @Override
  public Future<Boolean> claimFiring(String scheduleId, Instant due) {
    Objects.requireNonNull(scheduleId, "scheduleId");
    Objects.requireNonNull(due, "due");
    Tuple args = Tuple.tuple().addString(scheduleId).addLong(due.toEpochMilli());
    return run(true, "claimFiring", p -> p.preparedQuery(CLAIM_FIRING).execute(args)
        .compose(rows -> housekeeping(p).map(v -> rows.rowCount() == 1)));
  }

  /**
   * One statement per run of payloads without a repeat (PostgreSQL folds identical payloads of
   * one transaction into one notification), all sent at once on one connection: one round trip
   * in all, each statement its own transaction, delivered in order.
   */
  @Override
  public Future<Void> notifyNodes(List<String> payloads) {
    Objects.requireNonNull(payloads, "payloads");
    List<List<String>> runs = new ArrayList<>();
    Set<String> inRun = new java.util.HashSet<>();
    List<String> current = new ArrayList<>();
    for (String payload : payloads) {
      if (payload == null) return Future.failedFuture(new IllegalArgumentException("a payload is null"));
      int bytes = payload.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_PAYLOAD_BYTES) {
        return Future.failedFuture(new IllegalArgumentException("a payload of " + bytes + " bytes is over the "
            + MAX_PAYLOAD_BYTES + " a notification may carry: send ids, not states"));
      }
      if (!inRun.add(payload)) {
        runs.add(current);
        current = new ArrayList<>();
        inRun.clear();
        inRun.add(payload);
      }
      current.add(payload);
    }
    if (!current.isEmpty()) runs.add(current);
    if (runs.isEmpty()) return run(false, "notifyNodes", p -> Future.succeededFuture());
    return run(false, "notifyNodes", p -> p.withConnection(c -> {
      List<Future<RowSet<Row>>> sent = new ArrayList<>(runs.size());
      for (List<String> r : runs) sent.add(c.preparedQuery(NOTIFY).execute(Tuple.of(r.toArray(new String[0]))));
      return Future.join(sent).transform(ar -> {
        Throwable f = firstFailure(sent);
        return f == null ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(f);
      });
    }));
  }

  /**
   * A {@link PgListener} of its own (one connection per call), delivering on the caller's
   * context (a new one when called off Vert.x). Fails as unavailable when the first connect
   * fails; after that it reconnects by itself until the store is closed.
   */
  @Override
  public Future<Void> listen(Consumer<String> payload, Runnable reconnected) {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(reconnected, "reconnected");
    Context caller = Vertx.currentContext();
    PgListener listener;
    synchronized (this) {
      if (!usable) {
        String state = closed != null ? " is closed" : " is not open";
        return Future.failedFuture(new StoreUnavailableException(name + state, null));
      }
      listener = new PgListener(vertx, connect, caller != null ? caller : vertx.getOrCreateContext(), payload,
          reconnected);
      listeners.add(listener);
    }
    Future<Void> started = listener.start().recover(e -> {
      synchronized (this) {
        listeners.remove(listener);
      }
      return Future.failedFuture(new StoreUnavailableException(name + ": listen failed: " + reason(e), e));
    });
    return answerOn(caller, started);
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code asOfMillis} is the database's clock when the query's snapshot was taken, less a
   * millisecond (stamps are kept to the millisecond): asking again from it never misses a write
   * that started after this query. But a write stamps its row when it is made, and is seen only
   * once its transaction commits: a transaction that stamped a row before this query and
   * committed after it is in neither answer. Such transactions are short here (the hot ones are
   * sent whole: well under a second; a stale write or a reaping waits at most for a round trip
   * or two), so a caller catching up should ask from a little before the last {@code asOfMillis}
   * (a few seconds) and expect to see some tasks twice (compare versions). When more than
   * {@code max} tasks changed, the answer ends at a whole millisecond and {@code asOfMillis} is
   * the millisecond before the first task left out, so asking again from it goes on where this
   * one stopped; if more than {@code max} tasks share that one millisecond, all of them are
   * answered (more than {@code max}). Deleted ids are kept an hour: a caller behind by more than
   * that must reread everything. The database's clock should not step back (NTP slews it).
   */
  @Override
  public Future<Changes> changedSince(long millis, int max) {
    if (max < 1) return Future.failedFuture(new IllegalArgumentException("max must be at least 1"));
    return run(false, "changedSince", p -> p.preparedQuery(CHANGES).execute(Tuple.of(millis, (long) max + 1))
        .compose(rows -> {
          record Changed(TaskState task, long at) {}
          List<Changed> changed = new ArrayList<>(rows.size());
          long asOf = Long.MIN_VALUE;
          String[] ids = new String[0];
          Long[] ats = new Long[0];
          int stampColumn = PgRows.COLUMN_COUNT; // changed_at, right after the task's columns
          for (Row r : rows) {
            asOf = r.getLong(stampColumn + 1);
            if (r.getValue(stampColumn + 2) != null) {
              ids = r.getArrayOfStrings(stampColumn + 2);
              ats = r.getArrayOfLongs(stampColumn + 3);
            }
            if (r.getValue(1) != null) changed.add(new Changed(PgRows.read(r), r.getLong(stampColumn)));
          }
          if (changed.size() <= max) {
            return Future.succeededFuture(new Changes(tasksOf(changed, Changed::task), List.of(ids), asOf));
          }
          long cut = changed.get(max).at();
          List<Changed> kept = changed.stream().filter(ch -> ch.at() < cut).toList();
          String[] removedIds = ids;
          Long[] removedAts = ats;
          if (!kept.isEmpty()) {
            long until = cut - 1;
            return Future.succeededFuture(new Changes(tasksOf(kept, Changed::task),
                removedUpTo(removedIds, removedAts, until), until));
          }
          // more than max tasks in one millisecond: all of them, so that asking again goes on
          long until = Math.min(cut, asOf);
          return p.preparedQuery(CHANGED_AT).execute(Tuple.of(cut)).map(all -> new Changes(tasks(all),
              removedUpTo(removedIds, removedAts, until), until));
        }));
  }

  private static <T> List<TaskState> tasksOf(List<T> items, java.util.function.Function<T, TaskState> task) {
    List<TaskState> out = new ArrayList<>(items.size());
    for (T item : items) out.add(task.apply(item));
    return out;
  }

  private static List<String> removedUpTo(String[] ids, Long[] ats, long until) {
    List<String> out = new ArrayList<>(ids.length);
    for (int i = 0; i < ids.length; i++) {
      if (ats[i] <= until) out.add(ids[i]);
    }
    return out;
  }

  private static List<TaskState> tasks(RowSet<Row> rows) {
    List<TaskState> out = new ArrayList<>(rows.size());
    for (Row r : rows) out.add(PgRows.read(r));
    return out;
  }
}
