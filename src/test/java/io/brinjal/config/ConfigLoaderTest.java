package io.brinjal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.recurring.CronSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path file(String json) throws IOException {
    Path f = dir.resolve("config.json");
    Files.writeString(f, json);
    return f;
  }

  @Test
  void theEmbeddedDefaultsMatchTheSeed() {
    BrinjalConfig c = BrinjalConfig.defaults();
    assertEquals("0.0.0.0", c.http().host());
    assertEquals(8000, c.http().port());
    assertEquals("", c.http().prefix());
    assertEquals(Map.of("single", 1, "multiple", 10, "default", 3), c.semaphores());
    assertEquals(10, c.retention().done());
    assertEquals(1000, c.retention().failed());
    assertEquals(15, c.streaming().keepAliveSeconds());
    assertEquals("text", c.logging().format());
    assertEquals(30, c.shutdown().graceSeconds());
  }

  @Test
  void theShippedConfigFileIsValidAndEqualsTheDefaults() {
    BrinjalConfig shipped = ConfigLoader.load(Map.of("BRINJAL_CONFIG", "conf/config.json"));
    assertEquals(BrinjalConfig.defaults(), shipped);
  }

  @Test
  void aFileOverridesDefaultsAndAddsSemaphores() throws IOException {
    Path f = file("{\"http\": {\"port\": 9000}, \"semaphores\": {\"gpu\": 2}}");
    BrinjalConfig c = ConfigLoader.load(Map.of("BRINJAL_CONFIG", f.toString()));
    assertEquals(9000, c.http().port());
    assertEquals("0.0.0.0", c.http().host());
    assertEquals(List.of("single", "multiple", "default", "gpu"), List.copyOf(c.semaphores().keySet()));
    assertEquals(2, c.semaphores().get("gpu"));
  }

  @Test
  void environmentVariablesWinOverTheFile() throws IOException {
    Path f = file("{\"http\": {\"port\": 9000, \"prefix\": \"/x\"}}");
    BrinjalConfig c = ConfigLoader.load(Map.of(
        "BRINJAL_CONFIG", f.toString(),
        "BRINJAL_HTTP_PORT", "9100",
        "BRINJAL_HTTP_HOST", "127.0.0.1",
        "BRINJAL_HTTP_PREFIX", "/api/tasks",
        "BRINJAL_RETENTION_DONE", "50",
        "BRINJAL_SEMAPHORE_MULTIPLE", "20",
        "BRINJAL_LOG_FORMAT", "json",
        "BRINJAL_SHUTDOWN_GRACE_SECONDS", "5"));
    assertEquals(new BrinjalConfig.Http("127.0.0.1", 9100, "/api/tasks"), c.http());
    assertEquals(Runtime.getRuntime().availableProcessors(), c.http().resolvedInstances(), "0: one per processor");
    assertEquals(3, ConfigLoader.load(Map.of("BRINJAL_HTTP_INSTANCES", "3")).http().resolvedInstances());
    assertEquals(50, c.retention().done());
    assertEquals(20, c.semaphores().get("multiple"));
    assertEquals("json", c.logging().format());
    assertEquals(5, c.shutdown().graceSeconds());
  }

  private static String errorOf(Runnable load) {
    return assertThrows(ConfigException.class, load::run).getMessage();
  }

  @Test
  void badValuesFailNamingTheKey() throws IOException {
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"http\": {\"port\": \"eighty\"}}")).startsWith("http.port"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"http\": {\"port\": 70000}}")).startsWith("http.port"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"http\": {\"prefix\": \"api/\"}}")).startsWith("http.prefix"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"http\": {\"instances\": -1}}")).startsWith("http.instances"));
    assertTrue(errorOf(() -> ConfigLoader.load(Map.of("BRINJAL_HTTP_INSTANCES", "all"))).contains("http.instances"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"semaphores\": {\"single\": 0}}")).startsWith("semaphores.single"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"semaphores\": {\"Bad Name\": 1}}")).startsWith("semaphores.Bad Name"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"retention\": {\"done\": -1}}")).startsWith("retention.done"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"retention\": {\"kept\": 5}}")).startsWith("retention.kept: unknown key"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"htp\": {}}")).startsWith("htp: unknown key"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"logging\": {\"format\": \"xml\"}}")).startsWith("logging.format"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"logging\": {\"level\": \"x\"}}")).startsWith("logging.level: unknown key"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"shutdown\": {\"grace_seconds\": -1}}")).startsWith("shutdown.grace_seconds"));
    assertTrue(errorOf(() -> ConfigLoader.load(Map.of("BRINJAL_SHUTDOWN_GRACE_SECONDS", "soon"))).contains("shutdown.grace_seconds"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"http\": 5}")).startsWith("http"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{oops")).contains("not valid JSON"));
    assertTrue(errorOf(() -> ConfigLoader.load(Map.of("BRINJAL_HTTP_PORT", "x"))).contains("http.port"));
    assertTrue(errorOf(() -> ConfigLoader.load(Map.of("BRINJAL_SEMAPHORE_GPU", "many"))).contains("semaphores.gpu"));
    Path missing = dir.resolve("absent.json");
    assertTrue(errorOf(() -> ConfigLoader.load(Map.of("BRINJAL_CONFIG", missing.toString()))).contains("does not exist"));
    Path broken = file("[1]");
    assertTrue(errorOf(() -> ConfigLoader.load(Map.of("BRINJAL_CONFIG", broken.toString()))).contains("JSON object"));
  }

  @Test
  void theStoreIsSqliteByDefaultAndPostgresNeedsAUrl() {
    BrinjalConfig c = BrinjalConfig.defaults();
    assertEquals("sqlite", c.store().type());
    assertEquals("data/brinjal.db", c.store().path());
    assertTrue(c.store().synchronousFull());
    BrinjalConfig pg = ConfigLoader.load(Map.of("BRINJAL_STORE_TYPE", "postgres",
        "BRINJAL_STORE_URL", "postgresql://brinjal@db:5432/tasks", "BRINJAL_STORE_PASSWORD", "s3cret-pass",
        "BRINJAL_NODE_ID", "node-7", "BRINJAL_CLUSTER_NODE_TIMEOUT_MS", "9000"));
    assertTrue(pg.store().shared());
    assertEquals("s3cret-pass", pg.store().password());
    assertEquals("node-7", pg.cluster().nodeId());
    assertEquals(9000, pg.cluster().nodeTimeoutMs());
    assertFalse(pg.store().toString().contains("s3cret"), "never the password in a log line");
    assertFalse(ConfigLoader.fromJson("{\"store\": {\"type\": \"postgres\", \"url\": \"postgresql://u:hunter22@db/x\"}}")
        .store().toString().contains("hunter22"));

    assertTrue(errorOf(() -> ConfigLoader.load(Map.of("BRINJAL_STORE_TYPE", "postgres"))).startsWith("store.url"));
    assertTrue(errorOf(() -> ConfigLoader.load(Map.of("BRINJAL_STORE_TYPE", "postgres", "BRINJAL_STORE_URL", "mysql://x")))
        .startsWith("store.url"));
    assertTrue(errorOf(() -> ConfigLoader.load(Map.of("BRINJAL_STORE_TYPE", "mongo"))).startsWith("store.type"));
    assertTrue(errorOf(() -> ConfigLoader.load(Map.of("BRINJAL_STORE_SYNCHRONOUS", "sometimes"))).startsWith("store.synchronous"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"store\": {\"path\": \"  \"}}")).startsWith("store.path"));
    assertTrue(errorOf(() -> ConfigLoader.load(Map.of("BRINJAL_NODE_ID", "two words"))).startsWith("cluster.node_id"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"cluster\": {\"heartbeat_ms\": 1000, \"node_timeout_ms\": 2000}}"))
        .startsWith("cluster.node_timeout_ms"));
  }

  @Test
  void recurringSchedulesDefaultToNoneInUtc() {
    BrinjalConfig c = BrinjalConfig.defaults();
    assertEquals(ZoneId.of("UTC"), c.recurring().defaultTz());
    assertEquals(List.of(), c.recurring().schedules());
    assertEquals(ZoneId.of("Asia/Tokyo"),
        ConfigLoader.load(Map.of("BRINJAL_RECURRING_DEFAULT_TZ", "Asia/Tokyo")).recurring().defaultTz());
  }

  @Test
  void aDeclaredScheduleTakesDefaultsForWhatItOmits() {
    BrinjalConfig c = ConfigLoader.fromJson("""
        {"recurring": {"default_tz": "Europe/Berlin", "schedules": [
          {"task_type": "ExampleCPUTask", "cron_expression": "0 2 * * *"},
          {"task_type": "NoopTask", "params": {"a": 1}, "cron_expression": "@hourly", "tz": "UTC",
           "max_concurrent": 4, "enabled": false, "pause_after_failures": 3}]}}""");
    BrinjalConfig.ScheduleEntry first = c.recurring().schedules().get(0);
    assertEquals("ExampleCPUTask", first.taskType());
    assertEquals(CronSchedule.parse("0 2 * * *", ZoneId.of("Europe/Berlin")), first.cron());
    assertEquals(0, first.params().size());
    assertEquals(1, first.maxConcurrent());
    assertTrue(first.enabled());
    assertEquals(null, first.pauseAfterFailures());
    BrinjalConfig.ScheduleEntry second = c.recurring().schedules().get(1);
    assertEquals(ZoneId.of("UTC"), second.cron().zone());
    assertEquals(1, second.params().get("a").asInt());
    assertEquals(4, second.maxConcurrent());
    assertEquals(false, second.enabled());
    assertEquals(3, second.pauseAfterFailures());
  }

  @Test
  void badScheduleEntriesFailNamingTheEntryAndKey() {
    String ok = "\"task_type\": \"NoopTask\", \"cron_expression\": \"@daily\"";
    java.util.function.Function<String, String> entry =
        extra -> errorOf(() -> ConfigLoader.fromJson("{\"recurring\": {\"schedules\": [{" + ok + "}, {" + extra + "}]}}"));
    assertTrue(entry.apply("\"task_type\": \"NoopTask\", \"cron_expression\": \"61 * * * *\"")
        .startsWith("recurring.schedules[1].cron_expression: '61 * * * *' is not a valid"));
    assertTrue(entry.apply("\"task_type\": \"NoopTask\"").startsWith("recurring.schedules[1].cron_expression"));
    assertTrue(entry.apply("\"cron_expression\": \"@daily\"").startsWith("recurring.schedules[1].task_type"));
    assertTrue(entry.apply(ok + ", \"tz\": \"Nowhere/City\"").startsWith("recurring.schedules[1].tz"));
    assertTrue(entry.apply(ok + ", \"max_concurrent\": 0").startsWith("recurring.schedules[1].max_concurrent"));
    assertTrue(entry.apply(ok + ", \"enabled\": \"yes\"").startsWith("recurring.schedules[1].enabled"));
    assertTrue(entry.apply(ok + ", \"pause_after_failures\": 0").startsWith("recurring.schedules[1].pause_after_failures"));
    assertTrue(entry.apply(ok + ", \"params\": [1]").startsWith("recurring.schedules[1].params"));
    assertTrue(entry.apply(ok + ", \"cron\": \"@daily\"").startsWith("recurring.schedules[1].cron: unknown key"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"recurring\": {\"schedules\": [5]}}"))
        .startsWith("recurring.schedules[0]: must be an object"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"recurring\": {\"schedules\": {}}}"))
        .startsWith("recurring.schedules: must be a list"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"recurring\": {\"default_tz\": \"CEST\"}}"))
        .startsWith("recurring.default_tz"));
    assertTrue(errorOf(() -> ConfigLoader.load(Map.of("BRINJAL_RECURRING_DEFAULT_TZ", "Moon/Base")))
        .startsWith("recurring.default_tz"));
  }

  @Test
  void corsComesFromTheEnvironmentTooAndCredentialsFollowTheListUnlessSet() {
    BrinjalConfig.Cors listed = ConfigLoader.load(Map.of(
        "BRINJAL_CORS_ALLOWED_ORIGINS", "https://a.example, http://b.example:8080,")).cors();
    assertEquals(java.util.List.of("https://a.example", "http://b.example:8080"), listed.allowedOrigins());
    assertTrue(listed.allowCredentials(), "origins listed by name get credentials by default");
    assertFalse(ConfigLoader.load(Map.of("BRINJAL_CORS_ALLOWED_ORIGINS", "https://a.example",
        "BRINJAL_CORS_ALLOW_CREDENTIALS", "false")).cors().allowCredentials());
    assertFalse(ConfigLoader.load(Map.of("BRINJAL_CORS_ALLOWED_ORIGINS", "*")).cors().allowCredentials(), "never with *");
    assertTrue(errorOf(() -> ConfigLoader.load(Map.of("BRINJAL_CORS_ALLOWED_ORIGINS", "*",
        "BRINJAL_CORS_ALLOW_CREDENTIALS", "true"))).contains("cors.allow_credentials"));
    assertTrue(errorOf(() -> ConfigLoader.load(Map.of("BRINJAL_CORS_ALLOW_CREDENTIALS", "yes"))).contains("true or false"));
    assertTrue(errorOf(() -> ConfigLoader.load(Map.of("BRINJAL_CORS_ALLOWED_ORIGINS", "evil"))).contains("cors.allowed_origins"));
  }

  @Test
  void taskTypesComeFromAllBuiltInsAndThePluginsFolderUnlessConfiguredOtherwise() throws IOException {
    BrinjalConfig.Tasks defaults = BrinjalConfig.defaults().tasks();
    assertTrue(defaults.allBuiltins());
    assertEquals("", defaults.pluginsDir(), "empty: plugins/ when it exists");
    BrinjalConfig.Tasks fromEnv = ConfigLoader.load(Map.of("BRINJAL_PLUGINS_DIR", "/opt/plugins",
        "BRINJAL_TASKS_BUILTINS", "NoopTask, SleepTask")).tasks();
    assertEquals("/opt/plugins", fromEnv.pluginsDir());
    assertEquals(List.of("NoopTask", "SleepTask"), fromEnv.builtins());
    assertEquals(List.of(), ConfigLoader.load(Map.of("BRINJAL_TASKS_BUILTINS", "none")).tasks().builtins());
    BrinjalConfig.Tasks fromFile = ConfigLoader.load(Map.of("BRINJAL_CONFIG",
        file("{\"tasks\": {\"builtins\": [\"ExampleCPUTask\"]}}").toString())).tasks();
    assertEquals(List.of("ExampleCPUTask"), fromFile.builtins());
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"tasks\": {\"builtins\": 3}}")).startsWith("tasks.builtins"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"tasks\": {\"builtins\": [3]}}")).startsWith("tasks.builtins"));
    assertTrue(errorOf(() -> ConfigLoader.fromJson("{\"tasks\": {\"plugin_dir\": \"x\"}}"))
        .startsWith("tasks.plugin_dir: unknown key"));
  }
}
