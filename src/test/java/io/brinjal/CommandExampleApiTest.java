package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's Python command example as it is shipped (examples/commands/config.json and
 * count.py), run by a real server. Needs python3, which .ci/run installs.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandExampleApiTest {

  private static HttpProbe start(Vertx vertx) throws Exception {
    assumeTrue(java.util.Arrays.stream(System.getenv("PATH").split(":"))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, "python3"))), "python3 is not on PATH");
    return TestServer.start(vertx, Files.readString(Path.of("examples/commands/config.json"))).http();
  }

  @Test
  void theReadmesPythonExampleReportsProgressAndAResult(Vertx vertx) throws Exception {
    HttpProbe http = start(vertx);
    String id = http.create("count", "{\"steps\": 4, \"delay\": 0.01, \"label\": \"--a b\"}");
    List<JsonNode> events = http.stream("/" + id + "/stream").untilTerminal();
    JsonNode end = events.get(events.size() - 1);
    assertEquals("done", end.get("status").asText(), end.toString());
    assertEquals("Counting to 4 for --a b", end.get("heading").asText());
    assertEquals("step 4 of 4", end.get("body").asText());
    assertEquals(100, end.get("progress").asInt());
    assertEquals(4, end.path("results").path("result").path("steps").asInt());
    assertEquals("--a b", end.path("results").path("result").path("label").asText());
    assertTrue(end.path("results").path("output").get(0).asText().startsWith("task " + id + ", scratch folder "), end.toString());
  }

  @Test
  void aFailingRunOfTheExampleShowsItsStandardError(Vertx vertx) throws Exception {
    HttpProbe http = start(vertx);
    JsonNode end = http.awaitTerminal(http.create("count", "{\"steps\": 1, \"delay\": 0, \"label\": \"fail\"}"));
    assertEquals("failed", end.get("status").asText(), end.toString());
    assertEquals("CommandFailed", end.get("error_type").asText());
    assertEquals("python3 exited with code 3", end.get("error_message").asText());
    assertEquals("asked to fail\n", end.get("error_traceback").asText());
  }
}
