package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code PATCH /semaphores/{name}}: a limit changed at run time, over HTTP, on one node. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SemaphoreLimitApiTest {
  static final String POOL = "{\"semaphores\": {\"pool\": 4, \"single\": 1, \"multiple\": 10, \"default\": 3},"
      + " \"retention\": {\"done\": 100000}";

  private Vertx vertx;

  @BeforeEach
  void keep(Vertx vertx) {
    this.vertx = vertx;
  }

  static Reply patch(HttpProbe http, String name, String body) {
    return http.send(HttpMethod.PATCH, "/semaphores/" + name, body, Map.of("Content-Type", "application/json"));
  }

  static JsonNode semaphore(HttpProbe http, String name) {
    for (JsonNode s : http.get("/semaphores").json()) {
      if (s.get("name").asText().equals(name)) return s;
    }
    throw new AssertionError("no semaphore " + name);
  }

  @Test
  void growingStartsWaitingTasksAtOnceAndTheAnswerIsTheNewState() {
    HttpProbe http = TestServer.start(vertx, POOL + "}").http();
    List<String> gates = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      gates.add(Gates.newGate());
      http.create("gate_task", "{\"gate\":\"" + gates.get(i) + "\",\"semaphore_name\":\"single\"}");
    }
    Gates.awaitEntered(gates.get(0));
    await().atMost(Duration.ofSeconds(10)).until(() -> semaphore(http, "single").get("waiting").asInt() == 2);

    Reply grown = patch(http, "single", "{\"limit\": 3}");
    assertEquals(200, grown.status(), grown.toString());
    assertEquals("single", grown.json().get("name").asText());
    assertEquals(3, grown.json().get("limit").asInt());
    assertEquals(1, grown.json().get("configured_limit").asInt());
    Gates.awaitEntered(gates.get(1)); // both waiting tasks start without anything else happening
    Gates.awaitEntered(gates.get(2));

    JsonNode listed = semaphore(http, "single");
    assertEquals(3, listed.get("limit").asInt());
    assertEquals(1, listed.get("configured_limit").asInt());
    assertEquals(3, listed.get("running").asInt());
    gates.forEach(Gates::open);
  }

  @Test
  void shrinkingLetsRunningTasksFinishAndStartsNoneUntilBelowTheNewLimit() {
    HttpProbe http = TestServer.start(vertx, POOL + "}").http();
    List<String> gates = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      gates.add(Gates.newGate());
      http.create("gate_task", "{\"gate\":\"" + gates.get(i) + "\",\"semaphore_name\":\"pool\"}");
    }
    gates.forEach(Gates::awaitEntered);
    String late = Gates.newGate();
    String lateId = http.create("gate_task", "{\"gate\":\"" + late + "\",\"semaphore_name\":\"pool\"}");

    Reply shrunk = patch(http, "pool", "{\"limit\": 2}");
    assertEquals(200, shrunk.status(), shrunk.toString());
    assertEquals(4, shrunk.json().get("running").asInt(), "running tasks go on");
    assertEquals(2, shrunk.json().get("limit").asInt());

    // two end: still two run, not below the limit, so the late task keeps waiting
    Gates.open(gates.get(0));
    Gates.open(gates.get(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> semaphore(http, "pool").get("running").asInt() == 2);
    assertEquals("queued", http.task(lateId).get("status").asText());
    assertEquals(1, http.task(lateId).get("queue_position").asInt());
    // one more ends: below the limit, the late task starts
    Gates.open(gates.get(2));
    Gates.awaitEntered(late);
    Gates.open(gates.get(3));
    Gates.open(late);
    http.awaitTerminal(lateId);
  }

  @Test
  void theWorkerPoolFollowsAndAReplacedPoolsThreadsGoOnceTheirTasksEnd() {
    HttpProbe http = TestServer.start(vertx, "{\"semaphores\": {\"elastic\": 4, \"default\": 3}}").http();
    List<String> gates = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      gates.add(Gates.newGate());
      http.create("gate_task", "{\"gate\":\"" + gates.get(i) + "\",\"semaphore_name\":\"elastic\"}");
    }
    gates.forEach(Gates::awaitEntered);
    assertEquals(4, poolThreads("elastic"));
    assertEquals(200, patch(http, "elastic", "{\"limit\": 2}").status());
    for (int i = 0; i < 5; i++) { // changes with no task to run create no thread
      assertEquals(200, patch(http, "elastic", "{\"limit\": " + (i % 2 == 0 ? 3 : 2) + "}").status());
    }
    assertEquals(4, poolThreads("elastic"), "the running tasks keep their threads");
    gates.forEach(Gates::open);
    await().atMost(Duration.ofSeconds(10)).until(() -> poolThreads("elastic") == 0);

    List<String> next = List.of(Gates.newGate(), Gates.newGate());
    for (String gate : next) http.create("gate_task", "{\"gate\":\"" + gate + "\",\"semaphore_name\":\"elastic\"}");
    next.forEach(Gates::awaitEntered);
    assertEquals(2, poolThreads("elastic"), "the new pool");
    next.forEach(Gates::open);
  }

  /** Live worker threads of a semaphore's pools (Vert.x names them after the pool). */
  private static long poolThreads(String semaphore) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("brinjal-") && t.getName().contains("-" + semaphore + "-"))
        .count();
  }

  /** Sleep tasks flow through while the limit goes 4, 2, 6, 1: every start respects the limit of its moment. */
  @ParameterizedTest
  @ValueSource(strings = {"memory", "sqlite"})
  void underLoadNoStartEverExceedsTheLimitOfItsMoment(String store) {
    String config = POOL + (store.equals("memory") ? ", \"store\": {\"type\": \"memory\"}}" : "}");
    HttpProbe http = TestServer.start(vertx, config).http();
    ResizeUnderLoad.run(List.of(http), 4, new int[] {2, 6, 1, 3});
  }

  @Test
  void theLimitSurvivesARestartAndTheConfiguredOneComesBackWhenSetAgain() throws Exception {
    Path dir = Files.createTempDirectory("brinjal-limit-");
    String config = POOL + ", \"store\": {\"type\": \"sqlite\", \"path\": \"" + dir.resolve("b.db") + "\"}}";
    TestServer first = TestServer.start(vertx, config);
    assertEquals(200, patch(first.http(), "pool", "{\"limit\": 7}").status());
    first.stop();

    TestServer second = TestServer.start(vertx, config);
    JsonNode pool = semaphore(second.http(), "pool");
    assertEquals(7, pool.get("limit").asInt());
    assertEquals(4, pool.get("configured_limit").asInt());
    List<String> gates = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      gates.add(Gates.newGate());
      second.http().create("gate_task", "{\"gate\":\"" + gates.get(i) + "\",\"semaphore_name\":\"pool\"}");
    }
    gates.forEach(Gates::awaitEntered); // seven run at once after the restart: the pool followed
    gates.forEach(Gates::open);
    assertEquals(200, patch(second.http(), "pool", "{\"limit\": 4}").status());
    second.stop();

    // back at the configured limit the change is forgotten: a new configuration applies
    TestServer third = TestServer.start(vertx, config.replace("\"pool\": 4", "\"pool\": 5"));
    assertEquals(5, semaphore(third.http(), "pool").get("limit").asInt());
    assertEquals(5, semaphore(third.http(), "pool").get("configured_limit").asInt());
  }

  @Test
  void badValuesAre422UnknownNames404AndEachSaysWhy() {
    HttpProbe http = TestServer.start(vertx, POOL + "}").http();
    for (String body : List.of("{\"limit\": 0}", "{\"limit\": 10001}", "{\"limit\": -3}", "{\"limit\": \"3\"}",
        "{\"limit\": 2.5}", "{\"limit\": null}", "{}", "{\"limit\": 2, \"per_kee\": 1}", "{\"limit\": 99999999999}")) {
      Reply r = patch(http, "pool", body);
      assertEquals(422, r.status(), body + " -> " + r);
      assertTrue(r.detail() != null && !r.detail().isBlank(), r.toString());
    }
    Reply unknown = patch(http, "no_such", "{\"limit\": 2}");
    assertEquals(404, unknown.status(), unknown.toString());
    assertTrue(unknown.detail().contains("no_such"), unknown.detail());
    assertEquals(400, patch(http, "pool", "[1]").status());
    assertEquals(400, patch(http, "pool", "{\"limit\": ").status());
    assertEquals(415, http.send(HttpMethod.PATCH, "/semaphores/pool", "limit=2",
        Map.of("Content-Type", "application/x-www-form-urlencoded")).status());
    assertEquals(4, semaphore(http, "pool").get("limit").asInt(), "nothing changed");
    assertEquals(200, patch(http, "pool", "{\"limit\": 10000}").status());
    assertEquals(200, patch(http, "pool", "{\"limit\": 1}").status());
  }

  @Test
  void theTokenIsNeededWhenAuthIsOn() {
    HttpProbe http = TestServer.start(vertx, POOL + ", \"auth\": {\"token\": \"s3cret-token-for-tests\"}}").http();
    Reply refused = patch(http, "pool", "{\"limit\": 2}");
    assertEquals(401, refused.status(), refused.toString());
    Reply allowed = http.send(HttpMethod.PATCH, "/semaphores/pool", "{\"limit\": 2}",
        Map.of("Content-Type", "application/json", "Authorization", "Bearer s3cret-token-for-tests"));
    assertEquals(200, allowed.status(), allowed.toString());
    assertEquals(2, allowed.json().get("limit").asInt());
  }

  @Test
  void theLimitGaugeFollows() {
    HttpProbe http = TestServer.start(vertx, POOL + "}").http();
    assertEquals(200, patch(http, "pool", "{\"limit\": 9}").status());
    String metrics = http.get("/metrics").body();
    assertTrue(metrics.contains("brinjal_semaphore_limit{semaphore=\"pool\"} 9.0"), metrics);
  }

  /** The scenario shared with the PostgreSQL test: load, resizes, then intervals checked against the limits. */
  static final class ResizeUnderLoad {
    private ResizeUnderLoad() {}

    /** A change of the limit: asked at {@code asked}, answered at {@code answered}. */
    record Change(Instant asked, Instant answered, int before, int after) {}

    static void run(List<HttpProbe> nodes, int initial, int[] limits) {
      HttpProbe first = nodes.get(0);
      List<String> ids = new ArrayList<>();
      int perPhase = 40;
      List<Change> changes = new ArrayList<>();
      int current = initial;
      int waitingAtChanges = 0;
      for (int phase = 0; phase <= limits.length; phase++) {
        for (int i = 0; i < perPhase; i++) {
          HttpProbe node = nodes.get(i % nodes.size());
          ids.add(node.create("sleep_task", "{\"sleep_time\": 0.03, \"semaphore_name\": \"pool\"}"));
        }
        if (phase == limits.length) break;
        // the limit changes right behind the creates, while they run and wait (whatever the
        // timing, every start is checked against the limit of its moment below)
        HttpProbe changer = nodes.get(phase % nodes.size());
        Instant asked = Instant.now();
        Reply r = patch(changer, "pool", "{\"limit\": " + limits[phase] + "}");
        Instant answered = Instant.now();
        assertEquals(200, r.status(), r.toString());
        waitingAtChanges += r.json().get("waiting").asInt();
        changes.add(new Change(asked, answered, current, limits[phase]));
        current = limits[phase];
      }
      assertTrue(waitingAtChanges > 0, "the limits changed while tasks waited");
      await().atMost(Duration.ofSeconds(40)).until(() -> {
        JsonNode s = semaphore(first, "pool");
        return s.get("running").asInt() == 0 && s.get("waiting").asInt() == 0;
      });
      List<JsonNode> tasks = new ArrayList<>();
      for (String id : ids) {
        JsonNode t = first.task(id);
        assertEquals("done", t.get("status").asText(), t.toString());
        tasks.add(t);
      }
      for (JsonNode t : tasks) {
        Instant start = Instant.parse(t.get("started_at").asText());
        int allowed = allowedAt(start, initial, changes);
        int running = 0; // tasks holding a permit at this start, itself included ([start, end) intervals)
        for (JsonNode o : tasks) {
          Instant s = Instant.parse(o.get("started_at").asText());
          Instant e = Instant.parse(o.get("completed_at").asText());
          if (!s.isAfter(start) && e.isAfter(start)) running++;
        }
        assertTrue(running <= allowed, "task " + t.get("task_id").asText() + " started at " + start + " with "
            + running + " running, above the limit of that moment (" + allowed + "); changes: " + changes);
      }
    }

    /**
     * The limit a start at {@code start} had to respect: the new one once the change was answered
     * (timestamps are whole milliseconds, so strictly after the answer's millisecond), the larger of
     * both while it was in flight.
     */
    private static int allowedAt(Instant start, int initial, List<Change> changes) {
      int allowed = initial;
      for (Change c : changes) {
        Instant answered = c.answered().truncatedTo(ChronoUnit.MILLIS);
        Instant asked = c.asked().truncatedTo(ChronoUnit.MILLIS);
        if (start.isAfter(answered)) allowed = c.after();
        else if (!start.isBefore(asked)) allowed = Math.max(c.before(), c.after());
      }
      return allowed;
    }
  }
}
