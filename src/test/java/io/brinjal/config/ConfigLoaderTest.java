package io.brinjal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
