package io.brinjal.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.command.CommandSpec;
import io.brinjal.recurring.CronSchedule;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validated configuration, built once at start-up by {@link ConfigLoader}.
 *
 * @param semaphores semaphore name to limit, in configuration order; always holds "default"
 * @param semaphorePerKey semaphore name to its per-key limit (at most that many tasks of one
 *     concurrency key at once), for the semaphores that have one
 * @param commands task types that run a program (see {@link CommandSpec}), registered at start-up
 */
public record BrinjalConfig(
    Http http,
    Map<String, Integer> semaphores,
    Retention retention,
    Streaming streaming,
    Execution execution,
    Limits limits,
    Auth auth,
    Cors cors,
    Recurring recurring,
    Logging logging,
    Shutdown shutdown,
    Store store,
    Cluster cluster,
    Idempotency idempotency,
    Retry retry,
    Tasks tasks,
    Map<String, Integer> semaphorePerKey,
    List<CommandSpec> commands) {

  /** The per-key limit of a semaphore, 0 for none. */
  public int perKeyOf(String semaphore) {
    return semaphorePerKey.getOrDefault(semaphore, 0);
  }

  /**
   * @param idleTimeoutSeconds a connection with no traffic either way for this long is closed
   *     (streams stay busy with keep-alives, so only stalled clients are cut)
   * @param instances HTTP servers sharing the port, each on its own event loop, so parsing,
   *     JSON and stream writes use every core; 0 means one per available processor
   * @param headerTimeoutSeconds a new connection must have sent a whole request line and
   *     headers within this long, or it is closed (a client dripping header lines would
   *     otherwise reset the idle timeout forever and hold a file descriptor)
   */
  public record Http(String host, int port, String prefix, int idleTimeoutSeconds, int instances,
      int headerTimeoutSeconds) {
    public Http(String host, int port, String prefix) {
      this(host, port, prefix, 60, 0, 10);
    }

    /** {@link #instances()} with 0 resolved to the processors this JVM may use. */
    public int resolvedInstances() {
      return instances > 0 ? instances : Runtime.getRuntime().availableProcessors();
    }
  }

  /** How many finished tasks are kept: {@code done}, and failed plus cancelled together. */
  public record Retention(int done, int failed) {}

  /**
   * @param keepAliveSeconds interval of SSE comments and WebSocket pings that keep proxies open
   * @param minEventIntervalMs per task, the least time between two published progress events
   * @param replayEvents how many recent events are kept for clients that reconnect
   * @param maxConnections SSE and WebSocket connections held at once; more are answered 503
   * @param maxBufferedBytesPerClient a client's backlog beyond which it is disconnected
   * @param slowClientTimeoutSeconds how long a client may stay backlogged before it is dropped
   */
  public record Streaming(int keepAliveSeconds, int minEventIntervalMs, int replayEvents,
      int maxConnections, int maxBufferedBytesPerClient, int slowClientTimeoutSeconds) {}

  /** @param cancelGraceSeconds after a cancel or timeout, how long a thread may take to leave run() */
  public record Execution(int cancelGraceSeconds) {}

  /**
   * @param maxQueued tasks waiting in all semaphores together before new ones get 429 (0 = no cap)
   * @param maxQueuedPerSemaphore the same for one semaphore (0 = no cap)
   * @param maxBodyBytes the largest request body; larger ones get 413
   */
  public record Limits(int maxQueued, int maxQueuedPerSemaphore, int maxBodyBytes) {}

  /**
   * @param token when not empty, every route but /health needs {@code Authorization: Bearer <token>}
   * @param metricsToken when not empty, /metrics needs this token instead
   */
  public record Auth(String token, String metricsToken) {
    public boolean enabled() {
      return !token.isEmpty();
    }

    @Override
    public String toString() {
      return "Auth[token=" + (token.isEmpty() ? "" : "***") + ", metricsToken=" + (metricsToken.isEmpty() ? "" : "***") + "]";
    }
  }

  /**
   * @param allowedOrigins origins browsers may call from besides the server's own; {@code "*"}
   *     allows any (then without credentials)
   * @param allowCredentials whether those origins may send cookies and credentialed requests
   *     (resolved: unset means true for origins listed by name, false with {@code "*"})
   */
  public record Cors(List<String> allowedOrigins, boolean allowCredentials) {}

  /**
   * @param defaultTz the time zone of schedules that name none
   * @param schedules schedules created at start-up (their task types and parameters are checked then)
   * @param storeFile where schedules created over HTTP are kept across restarts; empty: in memory only
   */
  public record Recurring(ZoneId defaultTz, List<ScheduleEntry> schedules, String storeFile) {
    public Recurring(ZoneId defaultTz, List<ScheduleEntry> schedules) {
      this(defaultTz, schedules, "");
    }
  }

  /** One schedule declared in the configuration. */
  /**
   * @param priority the priority of the tasks it creates
   * @param maxAttempts the attempts of the tasks it creates, or null for their type's
   */
  public record ScheduleEntry(String taskType, ObjectNode params, CronSchedule cron, int maxConcurrent,
      boolean enabled, Integer pauseAfterFailures, int priority, Integer maxAttempts) {}

  /** @param format {@code text} (one readable line per event) or {@code json} (one object per line) */
  public record Logging(String format) {
    public static final Set<String> FORMATS = Set.of("text", "json");
  }

  /** @param graceSeconds on SIGTERM, how long running tasks may go on before they are interrupted */
  public record Shutdown(int graceSeconds) {}

  /**
   * Where tasks and schedules are kept.
   *
   * @param type {@code sqlite} (an embedded file, the default) or {@code memory} (nothing
   *     survives a restart: tests, benchmarks, embedding)
   * @param path the SQLite file, relative to the working directory unless absolute
   * @param busyTimeoutMs how long a write waits for a lock held by another program before it fails
   * @param synchronousFull {@code true}: every commit is synced to disk (survives power loss);
   *     {@code false}: SQLite's NORMAL, which survives a crash of the process but may lose the
   *     last commits on power loss
   */
  public record Store(String type, String path, int busyTimeoutMs, boolean synchronousFull, String url,
      String password, int poolSize) {
    public static final Set<String> TYPES = Set.of("sqlite", "memory", "postgres");

    /** A SQLite or memory store. */
    public Store(String type, String path, int busyTimeoutMs, boolean synchronousFull) {
      this(type, path, busyTimeoutMs, synchronousFull, "", "", 8);
    }

    public static Store memory() {
      return new Store("memory", "", 5000, true);
    }

    /** Whether other servers may share it (their tasks and events reach this one through it). */
    public boolean shared() {
      return type.equals("postgres");
    }

    @Override
    public String toString() { // never the password, in a log or an exception
      return "Store[type=" + type + ", path=" + path + ", url=" + url.replaceAll("://([^:/@]*):[^@]*@", "://$1:***@")
          + ", password=" + (password.isEmpty() ? "" : "***") + ", poolSize=" + poolSize + "]";
    }
  }

  /**
   * Several servers on one PostgreSQL store.
   *
   * @param nodeId this server's name among them (empty: the host name and a random suffix); a
   *     restart, or a lease lost while frozen, gets a fresh incarnation suffix
   * @param heartbeatMs how often the node renews its lease (on the database's clock)
   * @param nodeTimeoutMs a node whose lease is older than this is dead: another node takes its
   *     running tasks over (failed as Interrupted, or queued again for types that opt in)
   * @param pollMs the slow backstop for notifications lost while a connection was down
   */
  public record Cluster(String nodeId, int heartbeatMs, int nodeTimeoutMs, int pollMs) {}

  /**
   * @param ttlSeconds how long an {@code Idempotency-Key} of a create request is remembered: a
   *     repeat within it answers the same task and creates nothing
   */
  public record Idempotency(int ttlSeconds) {}

  /**
   * The wait before another attempt of a failed task whose type sets no backoff of its own:
   * random from 0 to {@code baseSeconds} doubled per attempt so far, at most {@code maxSeconds}
   * ("full jitter").
   */
  public record Retry(double baseSeconds, double maxSeconds) {}

  /**
   * Which task types the server offers.
   *
   * @param pluginsDir a folder whose jars are searched for {@code io.brinjal.task.TaskProvider}s;
   *     empty: {@code plugins/} if that folder exists, else none
   * @param builtins the built-in example types to register: null for all of them, else these
   *     names (empty for none)
   */
  public record Tasks(String pluginsDir, List<String> builtins) {
    /** {@code builtins} meaning "every built-in type". */
    public static final List<String> ALL_BUILTINS = null;

    public boolean allBuiltins() {
      return builtins == null;
    }
  }

  /** The embedded defaults, as a library user starts from. */
  public static BrinjalConfig defaults() {
    return ConfigLoader.fromDefaults();
  }

  public BrinjalConfig withHttp(Http http) {
    return new BrinjalConfig(http, semaphores, retention, streaming, execution, limits, auth, cors, recurring, logging, shutdown, store, cluster, idempotency, retry, tasks, semaphorePerKey, commands);
  }

  public BrinjalConfig withSemaphores(Map<String, Integer> semaphores) {
    return new BrinjalConfig(http, semaphores, retention, streaming, execution, limits, auth, cors, recurring, logging, shutdown, store, cluster, idempotency, retry, tasks, semaphorePerKey, commands);
  }

  public BrinjalConfig withRetention(Retention retention) {
    return new BrinjalConfig(http, semaphores, retention, streaming, execution, limits, auth, cors, recurring, logging, shutdown, store, cluster, idempotency, retry, tasks, semaphorePerKey, commands);
  }

  public BrinjalConfig withStreaming(Streaming streaming) {
    return new BrinjalConfig(http, semaphores, retention, streaming, execution, limits, auth, cors, recurring, logging, shutdown, store, cluster, idempotency, retry, tasks, semaphorePerKey, commands);
  }

  public BrinjalConfig withAuth(Auth auth) {
    return new BrinjalConfig(http, semaphores, retention, streaming, execution, limits, auth, cors, recurring, logging, shutdown, store, cluster, idempotency, retry, tasks, semaphorePerKey, commands);
  }

  public BrinjalConfig withRecurring(Recurring recurring) {
    return new BrinjalConfig(http, semaphores, retention, streaming, execution, limits, auth, cors, recurring, logging, shutdown, store, cluster, idempotency, retry, tasks, semaphorePerKey, commands);
  }

  public BrinjalConfig withStore(Store store) {
    return new BrinjalConfig(http, semaphores, retention, streaming, execution, limits, auth, cors, recurring, logging, shutdown, store, cluster, idempotency, retry, tasks, semaphorePerKey, commands);
  }

  public BrinjalConfig withRetry(Retry retry) {
    return new BrinjalConfig(http, semaphores, retention, streaming, execution, limits, auth, cors, recurring, logging, shutdown, store, cluster, idempotency, retry, tasks, semaphorePerKey, commands);
  }

  public BrinjalConfig withShutdown(Shutdown shutdown) {
    return new BrinjalConfig(http, semaphores, retention, streaming, execution, limits, auth, cors, recurring, logging, shutdown, store, cluster, idempotency, retry, tasks, semaphorePerKey, commands);
  }
}
