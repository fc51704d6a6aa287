package io.brinjal.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.command.CommandSpec;
import io.brinjal.json.Json;
import io.brinjal.recurring.CronSchedule;
import io.brinjal.recurring.ScheduleSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import io.brinjal.execution.JobOptions;
import io.brinjal.task.TaskType;
import java.util.Map;
import java.util.Set;

/**
 * Layers configuration: the defaults inside the jar, then {@code conf/config.json} (or the file
 * named by {@code BRINJAL_CONFIG}), then environment variables. Everything is checked here once,
 * and every error names the key, so a typo fails the start instead of being ignored.
 */
public final class ConfigLoader {
  public static final String DEFAULT_CONFIG_FILE = "conf/config.json";
  private static final String SEMAPHORE_ENV_PREFIX = "BRINJAL_SEMAPHORE_";

  /** Environment variable to config key, for scalar settings. */
  private static final Map<String, String> ENV_KEYS =
      Map.ofEntries(
          Map.entry("BRINJAL_HTTP_HOST", "http.host"),
          Map.entry("BRINJAL_HTTP_PORT", "http.port"),
          Map.entry("BRINJAL_HTTP_PREFIX", "http.prefix"),
          Map.entry("BRINJAL_HTTP_INSTANCES", "http.instances"),
          Map.entry("BRINJAL_HTTP_HEADER_TIMEOUT_SECONDS", "http.header_timeout_seconds"),
          Map.entry("BRINJAL_RETENTION_DONE", "retention.done"),
          Map.entry("BRINJAL_RETENTION_FAILED", "retention.failed"),
          Map.entry("BRINJAL_STREAMING_KEEP_ALIVE_SECONDS", "streaming.keep_alive_seconds"),
          Map.entry("BRINJAL_STREAMING_MIN_EVENT_INTERVAL_MS", "streaming.min_event_interval_ms"),
          Map.entry("BRINJAL_STREAMING_MAX_CONNECTIONS", "streaming.max_connections"),
          Map.entry("BRINJAL_LIMITS_MAX_QUEUED", "limits.max_queued"),
          Map.entry("BRINJAL_IDEMPOTENCY_TTL_SECONDS", "idempotency.ttl_seconds"),
          Map.entry("BRINJAL_RETRY_BASE_SECONDS", "retry.base_seconds"),
          Map.entry("BRINJAL_RETRY_MAX_SECONDS", "retry.max_seconds"),
          Map.entry("BRINJAL_AUTH_TOKEN", "auth.token"),
          Map.entry("BRINJAL_METRICS_TOKEN", "auth.metrics_token"),
          Map.entry("BRINJAL_CORS_ALLOWED_ORIGINS", "cors.allowed_origins"),
          Map.entry("BRINJAL_CORS_ALLOW_CREDENTIALS", "cors.allow_credentials"),
          Map.entry("BRINJAL_RECURRING_DEFAULT_TZ", "recurring.default_tz"),
          Map.entry("BRINJAL_RECURRING_STORE_FILE", "recurring.store_file"),
          Map.entry("BRINJAL_LOG_FORMAT", "logging.format"),
          Map.entry("BRINJAL_SHUTDOWN_GRACE_SECONDS", "shutdown.grace_seconds"),
          Map.entry("BRINJAL_STORE_TYPE", "store.type"),
          Map.entry("BRINJAL_STORE_PATH", "store.path"),
          Map.entry("BRINJAL_STORE_SYNCHRONOUS", "store.synchronous"),
          Map.entry("BRINJAL_STORE_URL", "store.url"),
          Map.entry("BRINJAL_STORE_PASSWORD", "store.password"),
          Map.entry("BRINJAL_STORE_POOL_SIZE", "store.pool_size"),
          Map.entry("BRINJAL_NODE_ID", "cluster.node_id"),
          Map.entry("BRINJAL_CLUSTER_NODE_TIMEOUT_MS", "cluster.node_timeout_ms"),
          Map.entry("BRINJAL_PLUGINS_DIR", "tasks.plugins_dir"),
          Map.entry("BRINJAL_TASKS_BUILTINS", "tasks.builtins"));

  private ConfigLoader() {}

  public static BrinjalConfig load(Map<String, String> env) {
    ObjectNode tree = defaultsTree();
    String explicit = env.get("BRINJAL_CONFIG");
    Path file = Path.of(explicit != null && !explicit.isBlank() ? explicit : DEFAULT_CONFIG_FILE);
    if (Files.exists(file)) {
      merge(tree, readFile(file), "");
    } else if (explicit != null && !explicit.isBlank()) {
      throw new ConfigException("BRINJAL_CONFIG names " + file + ", which does not exist");
    }
    applyEnv(tree, env);
    return parse(tree);
  }

  static BrinjalConfig fromDefaults() {
    return parse(defaultsTree());
  }

  /** Parses a complete or partial config object laid over the defaults (used by tests too). */
  public static BrinjalConfig fromJson(String json) {
    ObjectNode tree = defaultsTree();
    try {
      JsonNode node = Json.MAPPER.readTree(json);
      if (!(node instanceof ObjectNode obj)) throw new ConfigException("config must be a JSON object");
      merge(tree, obj, "");
    } catch (JsonProcessingException e) {
      throw new ConfigException("config is not valid JSON: " + e.getOriginalMessage());
    }
    return parse(tree);
  }

  private static ObjectNode defaultsTree() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream("/brinjal-defaults.json")) {
      return (ObjectNode) Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("embedded defaults unreadable", e);
    }
  }

  private static ObjectNode readFile(Path file) {
    try {
      JsonNode node = Json.MAPPER.readTree(file.toFile());
      if (!(node instanceof ObjectNode obj)) throw new ConfigException(file + ": must hold a JSON object");
      return obj;
    } catch (JsonProcessingException e) {
      throw new ConfigException(file + ": not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot be read: " + e.getMessage());
    }
  }

  /** Objects merge key by key; anything else replaces. Unknown sections are caught in parse. */
  private static void merge(ObjectNode into, ObjectNode from, String path) {
    Iterator<Map.Entry<String, JsonNode>> fields = from.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      JsonNode existing = into.get(e.getKey());
      if (existing instanceof ObjectNode target && e.getValue() instanceof ObjectNode source) {
        merge(target, source, path + e.getKey() + ".");
      } else {
        into.set(e.getKey(), e.getValue());
      }
    }
  }

  private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("[0-9]{1,9}\\.[0-9]{1,9}");

  private static void applyEnv(ObjectNode tree, Map<String, String> env) {
    ENV_KEYS.forEach((var, key) -> {
      String value = env.get(var);
      if (value == null) return;
      String[] parts = key.split("\\.");
      ObjectNode section = tree.with(parts[0]);
      JsonNode current = section.get(parts[1]);
      if (current != null && current.isNumber() && key.endsWith("_seconds") && DECIMAL.matcher(value.trim()).matches()) {
        section.put(parts[1], Double.parseDouble(value.trim())); // checked as a number of seconds below
      } else if (current != null && current.isNumber()) {
        try {
          section.put(parts[1], Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
          throw new ConfigException(var + " (" + key + "): must be an integer, got \"" + value + "\"");
        }
      } else if (current != null && current.isArray()) { // a comma-separated list
        var list = section.putArray(parts[1]);
        for (String item : value.split(",")) if (!item.isBlank()) list.add(item.trim());
      } else if (current != null && (current.isBoolean() || current.isNull())) {
        String flag = value.trim().toLowerCase(Locale.ROOT);
        if (!flag.equals("true") && !flag.equals("false")) {
          throw new ConfigException(var + " (" + key + "): must be true or false, got \"" + value + "\"");
        }
        section.put(parts[1], Boolean.parseBoolean(flag));
      } else {
        section.put(parts[1], value);
      }
    });
    env.forEach((var, value) -> {
      if (!var.startsWith(SEMAPHORE_ENV_PREFIX)) return;
      String name = var.substring(SEMAPHORE_ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
      try {
        tree.with("semaphores").put(name, Long.parseLong(value.trim()));
      } catch (NumberFormatException e) {
        throw new ConfigException(var + " (semaphores." + name + "): must be an integer, got \"" + value + "\"");
      }
    });
  }

  private static BrinjalConfig parse(ObjectNode tree) {
    onlyKeys(tree, "", Set.of("http", "semaphores", "retention", "streaming", "execution", "limits", "auth", "cors",
        "recurring", "logging", "shutdown", "store", "cluster", "idempotency", "retry", "tasks", "commands"));
    ObjectNode http = section(tree, "http");
    onlyKeys(http, "http.", Set.of("host", "port", "prefix", "idle_timeout_seconds", "instances", "header_timeout_seconds"));
    String host = text(http, "http.host");
    if (host.isBlank()) throw new ConfigException("http.host: must not be empty");
    int port = integer(http, "http.port", 0, 65535);
    String prefix = text(http, "http.prefix");
    if (!prefix.isEmpty() && (!prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//")
        || prefix.contains(":") || prefix.contains("*"))) {
      throw new ConfigException(
          "http.prefix: must be empty or a path like /api/tasks (leading /, no trailing /), got \"" + prefix + "\"");
    }

    ObjectNode sem = section(tree, "semaphores");
    Map<String, Integer> semaphores = new LinkedHashMap<>();
    Map<String, Integer> perKey = new LinkedHashMap<>();
    sem.fields().forEachRemaining(e -> {
      String key = "semaphores." + e.getKey();
      if (!e.getKey().matches("[a-z0-9_-]{1,64}")) {
        throw new ConfigException(key + ": a semaphore name is 1-64 characters of a-z, 0-9, _ or -");
      }
      if (e.getValue() instanceof ObjectNode limits) { // {"limit": 10, "per_key": 2}
        onlyKeys(limits, key + ".", Set.of("limit", "per_key"));
        int limit = integer(limits, "limit", key + ".limit", 1, 10_000);
        semaphores.put(e.getKey(), limit);
        if (limits.has("per_key")) perKey.put(e.getKey(), integer(limits, "per_key", key + ".per_key", 1, limit));
      } else {
        semaphores.put(e.getKey(), integer(sem, e.getKey(), key, 1, 10_000));
      }
    });
    if (!semaphores.containsKey("default")) throw new ConfigException("semaphores.default: is required");

    ObjectNode retention = section(tree, "retention");
    onlyKeys(retention, "retention.", Set.of("done", "failed"));
    ObjectNode streaming = section(tree, "streaming");
    onlyKeys(streaming, "streaming.", Set.of("keep_alive_seconds", "min_event_interval_ms", "replay_events",
        "max_connections", "max_buffered_bytes_per_client", "slow_client_timeout_seconds"));

    if (integer(http, "http.idle_timeout_seconds", 1, 86_400) <= integer(streaming, "streaming.keep_alive_seconds", 1, 3600)) {
      throw new ConfigException("http.idle_timeout_seconds: must be above streaming.keep_alive_seconds,"
          + " or idle streams would be cut between keep-alives");
    }
    ObjectNode execution = section(tree, "execution");
    onlyKeys(execution, "execution.", Set.of("cancel_grace_seconds"));
    ObjectNode idempotency = section(tree, "idempotency");
    onlyKeys(idempotency, "idempotency.", Set.of("ttl_seconds"));
    ObjectNode retry = section(tree, "retry");
    onlyKeys(retry, "retry.", Set.of("base_seconds", "max_seconds"));
    double retryBase = seconds(retry, "retry.base_seconds", 0.001, 86_400);
    double retryMax = seconds(retry, "retry.max_seconds", 0.001, 604_800);
    if (retryMax < retryBase) {
      throw new ConfigException("retry.max_seconds: must be at least retry.base_seconds (" + retryBase + ")");
    }
    ObjectNode limits = section(tree, "limits");
    onlyKeys(limits, "limits.", Set.of("max_queued", "max_queued_per_semaphore", "max_body_bytes"));
    ObjectNode auth = section(tree, "auth");
    onlyKeys(auth, "auth.", Set.of("token", "metrics_token"));
    ObjectNode cors = section(tree, "cors");
    onlyKeys(cors, "cors.", Set.of("allowed_origins", "allow_credentials"));
    ObjectNode logging = section(tree, "logging");
    onlyKeys(logging, "logging.", Set.of("format"));
    String logFormat = text(logging, "logging.format");
    if (!BrinjalConfig.Logging.FORMATS.contains(logFormat)) {
      throw new ConfigException("logging.format: must be \"text\" or \"json\", got \"" + logFormat + "\"");
    }
    ObjectNode shutdown = section(tree, "shutdown");
    onlyKeys(shutdown, "shutdown.", Set.of("grace_seconds"));
    ObjectNode store = section(tree, "store");
    onlyKeys(store, "store.", Set.of("type", "path", "busy_timeout_ms", "synchronous", "url", "password", "pool_size"));
    String storeType = text(store, "store.type");
    if (!BrinjalConfig.Store.TYPES.contains(storeType)) {
      throw new ConfigException("store.type: must be \"sqlite\", \"memory\" or \"postgres\", got \"" + storeType + "\"");
    }
    String storeUrl = text(store, "store.url").trim();
    if (storeType.equals("postgres") && !storeUrl.matches("postgres(ql)?://.+")) {
      throw new ConfigException("store.url: store.type postgres needs a URL like postgresql://user@host:5432/db"
          + (storeUrl.isEmpty() ? " (env BRINJAL_STORE_URL)" : ", got one that does not start with postgresql://"));
    }
    ObjectNode cluster = section(tree, "cluster");
    onlyKeys(cluster, "cluster.", Set.of("node_id", "heartbeat_ms", "node_timeout_ms", "poll_ms"));
    String nodeId = text(cluster, "cluster.node_id").trim();
    if (!nodeId.isEmpty() && !nodeId.matches("[A-Za-z0-9._-]{1,48}")) {
      throw new ConfigException("cluster.node_id: 1-48 characters of A-Z, a-z, 0-9, '.', '_' or '-', got \"" + nodeId + "\"");
    }
    int heartbeatMs = integer(cluster, "cluster.heartbeat_ms", 50, 60_000);
    int nodeTimeoutMs = integer(cluster, "cluster.node_timeout_ms", 200, 600_000);
    if (nodeTimeoutMs < 3 * heartbeatMs) {
      throw new ConfigException("cluster.node_timeout_ms: must be at least 3 times cluster.heartbeat_ms ("
          + 3 * heartbeatMs + "), or a node that misses one renewal is taken for dead");
    }
    String storePath = text(store, "store.path").trim();
    if (storeType.equals("sqlite") && storePath.isEmpty()) throw new ConfigException("store.path: must name a file");
    String synchronous = text(store, "store.synchronous");
    if (!synchronous.equals("full") && !synchronous.equals("normal")) {
      throw new ConfigException("store.synchronous: must be \"full\" or \"normal\", got \"" + synchronous + "\"");
    }

    return new BrinjalConfig(
        new BrinjalConfig.Http(host, port, prefix, integer(http, "http.idle_timeout_seconds", 1, 86_400),
            integer(http, "http.instances", 0, 256), integer(http, "http.header_timeout_seconds", 1, 30)),
        semaphores,
        new BrinjalConfig.Retention(
            integer(retention, "retention.done", 0, 10_000_000),
            integer(retention, "retention.failed", 0, 10_000_000)),
        new BrinjalConfig.Streaming(
            integer(streaming, "streaming.keep_alive_seconds", 1, 3600),
            integer(streaming, "streaming.min_event_interval_ms", 0, 10_000),
            integer(streaming, "streaming.replay_events", 1, 10_000_000),
            integer(streaming, "streaming.max_connections", 1, 1_000_000),
            integer(streaming, "streaming.max_buffered_bytes_per_client", 4096, 1 << 30),
            integer(streaming, "streaming.slow_client_timeout_seconds", 1, 3600)),
        new BrinjalConfig.Execution(integer(execution, "execution.cancel_grace_seconds", 0, 86_400)),
        new BrinjalConfig.Limits(
            integer(limits, "limits.max_queued", 0, 100_000_000),
            integer(limits, "limits.max_queued_per_semaphore", 0, 100_000_000),
            integer(limits, "limits.max_body_bytes", 1024, 1 << 30)),
        new BrinjalConfig.Auth(token(auth, "auth.token"), token(auth, "auth.metrics_token")),
        parseCors(cors),
        recurring(section(tree, "recurring")),
        new BrinjalConfig.Logging(logFormat),
        new BrinjalConfig.Shutdown(integer(shutdown, "shutdown.grace_seconds", 0, 86_400)),
        new BrinjalConfig.Store(storeType, storePath, integer(store, "store.busy_timeout_ms", 0, 600_000),
            synchronous.equals("full"), storeUrl, text(store, "store.password"), integer(store, "store.pool_size", 1, 256)),
        new BrinjalConfig.Cluster(nodeId, heartbeatMs, nodeTimeoutMs, integer(cluster, "cluster.poll_ms", 100, 600_000)),
        new BrinjalConfig.Idempotency(integer(idempotency, "idempotency.ttl_seconds", 1, 31_536_000)),
        new BrinjalConfig.Retry(retryBase, retryMax),
        tasks(section(tree, "tasks")),
        perKey,
        commands(tree.get("commands"), semaphores.keySet()));
  }

  /** Names are checked against the built-in types at start-up, where they are known. */
  private static BrinjalConfig.Tasks tasks(ObjectNode tasks) {
    onlyKeys(tasks, "tasks.", Set.of("plugins_dir", "builtins"));
    String pluginsDir = text(tasks, "tasks.plugins_dir").trim();
    JsonNode builtins = tasks.get("builtins");
    List<String> names = new ArrayList<>();
    if (builtins != null && builtins.isTextual()) { // "all", "none", or names separated by commas (env)
      String text = builtins.textValue().trim();
      if (text.equals("all")) return new BrinjalConfig.Tasks(pluginsDir, BrinjalConfig.Tasks.ALL_BUILTINS);
      if (!text.equals("none")) for (String name : text.split(",")) if (!name.isBlank()) names.add(name.trim());
    } else if (builtins != null && builtins.isArray()) {
      for (JsonNode name : builtins) {
        if (!name.isTextual()) throw new ConfigException("tasks.builtins: a task type name must be a string, got " + name);
        names.add(name.textValue());
      }
    } else {
      throw new ConfigException("tasks.builtins: must be \"all\", \"none\" or a list of task type names, got " + builtins);
    }
    return new BrinjalConfig.Tasks(pluginsDir, List.copyOf(names));
  }

  /** Each entry checked on its own; routes and names are checked against the registry at start-up. */
  private static List<CommandSpec> commands(JsonNode list, Set<String> semaphores) {
    if (list == null || list.isNull()) return List.of();
    if (!list.isArray()) throw new ConfigException("commands: must be a list of command task types");
    List<CommandSpec> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) out.add(CommandSpec.parse(list.get(i), "commands[" + i + "]", semaphores));
    return List.copyOf(out);
  }

  private static String token(ObjectNode node, String key) {
    String value = text(node, key);
    if (!value.isEmpty() && (value.length() < 16 || !value.matches("[\\x21-\\x7e]+"))) {
      throw new ConfigException(key + ": a token needs at least 16 printable characters and no spaces");
    }
    return value;
  }

  private static BrinjalConfig.Cors parseCors(ObjectNode cors) {
    JsonNode origins = cors.get("allowed_origins");
    if (origins == null || !origins.isArray()) throw new ConfigException("cors.allowed_origins: must be a list of origins");
    java.util.List<String> list = new java.util.ArrayList<>();
    for (JsonNode o : origins) {
      String origin = o.asText("");
      if (!o.isTextual() || !(origin.equals("*") || origin.matches("https?://[A-Za-z0-9.-]+(:\\d{1,5})?"))) {
        throw new ConfigException("cors.allowed_origins: \"" + o.asText() + "\" is not an origin like https://app.example.com or *");
      }
      list.add(origin);
    }
    // unset (null): credentials for origins listed by name, as browsers' EventSource
    // {withCredentials: true} needs; never with "*", which would hand any site the user's cookies
    JsonNode credentials = cors.get("allow_credentials");
    if (credentials != null && !credentials.isNull() && !credentials.isBoolean()) {
      throw new ConfigException("cors.allow_credentials: must be true, false or null (true unless the origins include \"*\")");
    }
    boolean wildcard = list.contains("*");
    if (credentials != null && credentials.booleanValue() && wildcard) {
      throw new ConfigException("cors.allow_credentials: cannot be true while allowed_origins contains \"*\"; list the origins");
    }
    boolean allow = credentials == null || credentials.isNull() ? !wildcard : credentials.booleanValue();
    return new BrinjalConfig.Cors(java.util.List.copyOf(list), allow);
  }


  private static BrinjalConfig.Recurring recurring(ObjectNode recurring) {
    onlyKeys(recurring, "recurring.", Set.of("default_tz", "schedules", "store_file"));
    ZoneId defaultTz = zone(recurring, "recurring.default_tz");
    JsonNode list = recurring.get("schedules");
    if (list == null || !list.isArray()) throw new ConfigException("recurring.schedules: must be a list");
    List<BrinjalConfig.ScheduleEntry> schedules = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) schedules.add(scheduleEntry(list.get(i), "recurring.schedules[" + i + "]", defaultTz));
    return new BrinjalConfig.Recurring(defaultTz, List.copyOf(schedules), text(recurring, "recurring.store_file").trim());
  }

  /** The keys of a schedule definition, in the configuration and in the store file. */
  public static final Set<String> SCHEDULE_KEYS = Set.of("task_type", "params", "cron_expression", "tz",
      "max_concurrent", "enabled", "pause_after_failures", "priority", "max_attempts");

  private static BrinjalConfig.ScheduleEntry scheduleEntry(JsonNode node, String key, ZoneId defaultTz) {
    if (!(node instanceof ObjectNode entry)) throw new ConfigException(key + ": must be an object");
    onlyKeys(entry, key + ".", SCHEDULE_KEYS);
    return scheduleEntry(entry, key, defaultTz);
  }

  /**
   * Shape, cron and zone are checked here; the task type and its parameters at start-up. Keys
   * other than {@link #SCHEDULE_KEYS} are the caller's to check. Errors name {@code key}.
   */
  public static BrinjalConfig.ScheduleEntry scheduleEntry(ObjectNode entry, String key, ZoneId defaultTz) {
    String taskType = text(entry, key + ".task_type");
    JsonNode params = entry.get("params");
    if (params != null && !params.isObject()) throw new ConfigException(key + ".params: must be an object");
    ZoneId tz = entry.hasNonNull("tz") ? zone(entry, key + ".tz") : defaultTz;
    String expression = text(entry, key + ".cron_expression");
    CronSchedule cron;
    try {
      cron = CronSchedule.parse(expression, tz);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ".cron_expression: '" + expression + "' " + e.getMessage());
    }
    int maxConcurrent = entry.has("max_concurrent")
        ? integer(entry, key + ".max_concurrent", 1, ScheduleSpec.MAX_CONCURRENT_LIMIT) : 1;
    boolean enabled = !entry.has("enabled") || bool(entry, key + ".enabled");
    Integer pause = entry.hasNonNull("pause_after_failures")
        ? integer(entry, key + ".pause_after_failures", 1, Integer.MAX_VALUE) : null;
    int priority = entry.hasNonNull("priority")
        ? integer(entry, key + ".priority", JobOptions.MIN_PRIORITY, JobOptions.MAX_PRIORITY) : 0;
    Integer maxAttempts = entry.hasNonNull("max_attempts")
        ? integer(entry, key + ".max_attempts", 1, TaskType.MAX_ATTEMPTS) : null;
    return new BrinjalConfig.ScheduleEntry(taskType, params == null ? Json.object() : (ObjectNode) params,
        cron, maxConcurrent, enabled, pause, priority, maxAttempts);
  }

  private static ZoneId zone(ObjectNode node, String key) {
    String tz = text(node, key);
    try {
      return CronSchedule.zone(tz);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ": '" + tz + "' " + e.getMessage());
    }
  }

  private static boolean bool(ObjectNode node, String key) {
    JsonNode v = node.get(leaf(key));
    if (v == null || !v.isBoolean()) throw new ConfigException(key + ": must be true or false, got " + v);
    return v.booleanValue();
  }

  private static ObjectNode section(ObjectNode tree, String key) {
    JsonNode node = tree.get(key);
    if (!(node instanceof ObjectNode obj)) throw new ConfigException(key + ": must be an object");
    return obj;
  }

  private static void onlyKeys(ObjectNode node, String path, Set<String> allowed) {
    node.fieldNames().forEachRemaining(k -> {
      if (!allowed.contains(k)) {
        throw new ConfigException(path + k + ": unknown key (known: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    });
  }

  private static String text(ObjectNode node, String key) {
    JsonNode v = node.get(leaf(key));
    if (v == null || !v.isTextual()) throw new ConfigException(key + ": must be a string");
    return v.textValue();
  }

  private static int integer(ObjectNode node, String key, int min, int max) {
    return integer(node, leaf(key), key, min, max);
  }

  private static int integer(ObjectNode node, String field, String key, int min, int max) {
    JsonNode v = node.get(field);
    if (v == null || !v.isIntegralNumber() || v.longValue() < min || v.longValue() > max) {
      throw new ConfigException(key + ": must be an integer from " + min + " to " + max + ", got " + v);
    }
    return v.intValue();
  }

  private static double seconds(ObjectNode node, String key, double min, double max) {
    JsonNode v = node.get(leaf(key));
    if (v == null || !v.isNumber() || !(v.doubleValue() >= min) || v.doubleValue() > max) {
      throw new ConfigException(key + ": must be a number of seconds from " + min + " to " + max + ", got " + v);
    }
    return v.doubleValue();
  }

  private static String leaf(String key) {
    return key.substring(key.lastIndexOf('.') + 1);
  }
}
