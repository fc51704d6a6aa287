package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.json.Json;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Command task types through the real HTTP interface, with real child processes (/bin/sh
 * scripts under src/test/resources/commands): live updates, exit codes and signals, standard
 * error as the traceback, arguments that no shell touches, and cancel, delete and timeout that
 * leave no process behind, as the operating system's process list shows.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandTaskApiTest {
  private TestServer server;
  private HttpProbe http;
  @TempDir Path tmp;

  @BeforeEach
  void start(Vertx vertx) {
    ArrayNode commands = Json.MAPPER.createArrayNode();
    commands.add(command("LiveScript", "live.sh", List.of("{gate}"), param("gate", "string", "")));
    commands.add(command("ExitScript", "exit.sh", List.of("{code}", "{signal}"), param("code", "integer", 0),
        param("signal", "integer", 0)));
    ObjectNode args = command("ArgsScript", "args.sh", List.of("{text}", "x{text}y", "{n}", "{{n}}", "{flag}"),
        param("text", "string", "plain"), param("n", "integer", 7), param("flag", "boolean", false));
    args.put("route", "echo_args").putObject("env").put("EXTRA", "from config");
    commands.add(args);
    ObjectNode hang = command("HangScript", "hang.sh", List.of("{marker}", "{mode}"), param("marker", "string", "1"),
        param("mode", "string", ""));
    hang.put("kill_grace_seconds", 0.5);
    commands.add(hang);
    ObjectNode slow = command("SlowScript", "hang.sh", List.of("{marker}"), param("marker", "string", "1"));
    slow.put("timeout_seconds", 1);
    commands.add(slow);
    ObjectNode missing = Json.object();
    missing.put("task_type", "MissingProgram");
    missing.putArray("argv").add("no-such-program-brinjal").add("x");
    commands.add(missing);
    ObjectNode config = Json.object();
    config.set("commands", commands);
    server = TestServer.start(vertx, config.toString());
    http = server.http();
  }

  private static ObjectNode command(String type, String script, List<String> args, ObjectNode... params) {
    ObjectNode c = Json.object();
    c.put("task_type", type);
    c.put("description", "test script " + script);
    ArrayNode argv = c.putArray("argv").add("sh").add(script(script));
    args.forEach(argv::add);
    ArrayNode ps = c.putArray("params");
    for (ObjectNode p : params) ps.add(p);
    return c;
  }

  private static ObjectNode param(String name, String type, Object defaultValue) {
    ObjectNode p = Json.object();
    p.put("name", name).put("type", type).set("default", Json.toTree(defaultValue));
    return p;
  }

  private static String script(String name) {
    try {
      return Path.of(CommandTaskApiTest.class.getResource("/commands/" + name).toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> output(JsonNode task) {
    List<String> lines = new ArrayList<>();
    task.path("results").path("output").forEach(l -> lines.add(l.asText()));
    return lines;
  }

  @Test
  void progressHeadingBodyAndResultLinesUpdateTheTaskLiveAndOtherLinesAreKeptAsOutput() throws Exception {
    Path gate = tmp.resolve("gate");
    String id = http.create("live_script", Json.object().put("gate", gate.toString()).toString());
    SseProbe stream = http.stream("/" + id + "/stream");
    JsonNode event;
    do {
      event = stream.next(); // the process is still running: it waits for the gate
    } while (!(event.path("progress").asInt() == 30 && event.path("heading").asText().equals("halfway")
        && output(event).equals(List.of("a plain line"))));
    assertEquals("running", event.get("status").asText());
    Files.createFile(gate);
    List<JsonNode> rest = stream.untilTerminal();
    JsonNode end = rest.get(rest.size() - 1);
    assertEquals("done", end.get("status").asText(), end.toString());
    assertEquals(100, end.get("progress").asInt());
    assertEquals("almost", end.get("body").asText());
    assertEquals(42, end.path("results").path("result").path("answer").asInt());
    assertEquals(List.of("a plain line", "last plain line"), output(end));
    assertTrue(end.get("error_type").isNull());
  }

  @Test
  void exitCodeZeroEndsDone() {
    JsonNode end = http.awaitTerminal(http.create("exit_script", "{}"));
    assertEquals("done", end.get("status").asText(), end.toString());
    assertEquals(List.of("some output"), output(end));
  }

  @Test
  void aNonZeroExitEndsFailedWithTheCodeAndTheTailOfStandardErrorAsTraceback() {
    JsonNode end = assertCommandFailed(http.create("exit_script", "{\"code\": 3}"), "sh exited with code 3");
    assertEquals("first error line\nlast error line\n", end.get("error_traceback").asText());
    assertEquals(List.of("some output"), output(end));
  }

  @Test
  void aProcessKilledByASignalEndsFailedNamingTheSignal() {
    assertCommandFailed(http.create("exit_script", "{\"signal\": 9}"), "sh exited with code 137 (killed by signal 9, SIGKILL)");
  }

  private JsonNode assertCommandFailed(String id, String message) {
    JsonNode end = http.awaitTerminal(id);
    assertEquals("failed", end.get("status").asText(), end.toString());
    assertEquals("CommandFailed", end.get("error_type").asText());
    assertEquals(message, end.get("error_message").asText());
    return end;
  }

  @Test
  void parametersReachTheProgramIntactAsSingleArgumentsAndAsEnvironmentVariables() {
    Path touched = tmp.resolve("touched");
    String[] values = {"a b", "\"q'", "$(touch " + touched + "); rm -rf", "*", "`id` > out | cat ; & \\ \t tab"};
    for (String value : values) {
      String body = Json.object().put("text", value).put("n", -12).put("flag", true).toString();
      String id = http.create("echo_args", body);
      JsonNode end = http.awaitTerminal(id);
      assertEquals("done", end.get("status").asText(), end.toString());
      assertEquals(List.of("count=5", "arg=" + value, "arg=x" + value + "y", "arg=-12", "arg={n}", "arg=true",
          "env_text=" + value, "env_n=-12", "env_flag=true", "task_id=" + id, "extra=from config", "scratch=dir"),
          output(end));
    }
    assertFalse(Files.exists(touched), "a shell ran a parameter");
  }

  @Test
  void nonAsciiTextReachesTheProgramIntactOrIsRefusedWhenTheServersLocaleCannotWriteIt() {
    String value = "é ü 日本 ✓";
    Reply reply = http.postJson("/echo_args", Json.object().put("text", value).toString());
    if (!java.nio.charset.Charset.forName(System.getProperty("sun.jnu.encoding")).newEncoder().canEncode(value)) {
      assertEquals(422, reply.status(), reply.toString()); // a JVM started under the C locale
      return;
    }
    assertEquals(200, reply.status(), reply.toString());
    JsonNode end = http.awaitTerminal(reply.json().get("task_id").asText());
    assertTrue(output(end).contains("arg=" + value), end.toString());
    assertTrue(output(end).contains("env_text=" + value), end.toString());
  }

  @ParameterizedTest(name = "mode \"{0}\"")
  @ValueSource(strings = {"", "ignore"}) // "ignore": SIGTERM is ignored, so only SIGKILL after the grace ends them
  void cancelEndsTheWholeProcessGroupGrandchildrenToo(String mode) {
    Hanging run = startHanging(mode);
    assertEquals(200, http.post("/" + run.id() + "/cancel").status());
    assertEquals("cancelled", http.awaitTerminal(run.id()).get("status").asText());
    awaitGone(run.marker());
  }

  @Test
  void whatTheProgramLeavesRunningWhenItExitsIsEndedToo() {
    String marker = marker();
    String id = http.create("hang_script", Json.object().put("marker", marker).put("mode", "leave").toString());
    JsonNode end = http.awaitTerminal(id);
    assertEquals("done", end.get("status").asText(), end.toString());
    long grandchild = Long.parseLong(output(end).get(0).substring("grandchild ".length()));
    awaitGone(marker);
    assertTrue(ProcessHandle.of(grandchild).map(p -> !p.isAlive() || !p.info().commandLine().orElse("").contains(marker))
        .orElse(true));
  }

  @Test
  void theServersGracefulStopEndsTheProcessesOfRunningCommands() {
    Hanging run = startHanging("");
    HttpProbe.await(server.brinjal().shutdown(Duration.ZERO)); // the grace is over at once: running tasks are stopped
    awaitGone(run.marker());
  }

  @Test
  void deletingARunningCommandEndsItsProcesses() {
    Hanging run = startHanging("");
    assertEquals(200, http.delete("/" + run.id()).status());
    awaitGone(run.marker());
  }

  @Test
  void theConfiguredTimeoutEndsTheProcessesAndFailsTheTask() {
    String marker = marker();
    String id = http.create("slow_script", Json.object().put("marker", marker).toString());
    JsonNode end = http.awaitTerminal(id);
    assertEquals("failed", end.get("status").asText(), end.toString());
    assertEquals("TimeoutException", end.get("error_type").asText());
    awaitGone(marker);
  }

  @Test
  void aProgramThatDoesNotExistFailsClearly() {
    JsonNode end = http.awaitTerminal(http.create("missing_program", null));
    assertEquals("failed", end.get("status").asText(), end.toString());
    assertEquals("CommandNotFound", end.get("error_type").asText());
    assertTrue(end.get("error_message").asText().contains("'no-such-program-brinjal' was not found"), end.toString());
  }

  @Test
  void badParameterValuesAre422NamingTheParameter() {
    String[][] cases = {
        {"{\"n\": \"seven\"}", "parameter 'n' must be an integer"},
        {"{\"n\": 1.5}", "parameter 'n' must be an integer"},
        {"{\"flag\": \"yes\"}", "parameter 'flag' must be true or false"},
        {"{\"text\": 5}", "parameter 'text' must be a string"},
        {"{\"text\": null}", "parameter 'text' must not be null"},
        {"{\"n\": null}", "parameter 'n' must not be null"},
        {"{\"other\": 1}", "parameter 'other' is not a parameter of ArgsScript"},
        {"{\"text\": \"a\\u0000b\"}", "parameter 'text' must not contain a NUL character"},
    };
    for (String[] c : cases) {
      Reply reply = http.postJson("/echo_args", c[0]);
      assertEquals(422, reply.status(), c[0] + " -> " + reply);
      assertTrue(reply.json().get("detail").asText().contains(c[1]), c[0] + " -> " + reply);
    }
    Reply query = http.post("/echo_args?n=many");
    assertEquals(422, query.status(), query.toString());
  }

  @Test
  void commandTypesAreListedWithTheirParametersAndInTheOpenApiDocument() {
    JsonNode types = http.get("/task_types").json();
    JsonNode args = null;
    for (JsonNode t : types.isArray() ? types : types.path("task_types")) {
      if (t.path("name").asText().equals("ArgsScript") || t.path("task_type").asText().equals("ArgsScript")) args = t;
    }
    assertNotNull(args, types.toString());
    assertTrue(args.toString().contains("echo_args"), args.toString());
    JsonNode n = null;
    for (JsonNode p : args.get("params")) if (p.get("name").asText().equals("n")) n = p;
    assertNotNull(n, args.toString());
    assertEquals("integer", n.get("type").asText());
    assertEquals(7, n.get("default").asInt());
    assertTrue(http.get("/openapi.json").json().path("paths").has("/echo_args"));
  }

  /** A running hang.sh task and the marker its processes carry. */
  private record Hanging(String id, String marker) {}

  /** Starts hang.sh; returns once its grandchild runs. */
  private Hanging startHanging(String mode) {
    String marker = marker();
    String id = http.create("hang_script", Json.object().put("marker", marker).put("mode", mode).toString());
    SseProbe stream = http.stream("/" + id + "/stream");
    while (stream.next().path("progress").asInt() != 5) {
      // the script says it started its grandchild
    }
    // the grandchild is forked before the line is printed, but may not have exec'd sleep yet
    await().atMost(Duration.ofSeconds(10)).until(() -> processesMarked(marker).stream().anyMatch(c -> c.contains("sleep " + marker)));
    List<String> running = processesMarked(marker);
    assertTrue(running.stream().anyMatch(c -> c.contains("hang.sh")), "child not found: " + running);
    return new Hanging(id, marker);
  }

  private static void awaitGone(String marker) {
    await().atMost(Duration.ofSeconds(10)).until(() -> processesMarked(marker).isEmpty());
  }

  /** A sleep duration no other process has: it marks the test's processes in the process list. */
  private static String marker() {
    return "86400." + ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_999_999_999L);
  }

  private static List<String> processesMarked(String marker) {
    return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
        .map(p -> p.info().commandLine().orElse(""))
        .filter(c -> c.contains(marker)).toList();
  }
}
