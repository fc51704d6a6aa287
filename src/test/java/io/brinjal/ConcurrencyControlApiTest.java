package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Intervals;
import io.brinjal.support.Reply;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Several semaphores per task and per-key limits with round-robin turns, over HTTP: gates decide
 * when each task ends, so every "it did not start" is read at a moment when it could not have.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrencyControlApiTest {
  static final String CONFIG = "{\"semaphores\": {\"gpu\": 1, \"single\": 1, \"multiple\": 10, \"default\": 3,"
      + " \"tenants\": {\"limit\": 4, \"per_key\": 2}, \"rr\": 1}, \"retention\": {\"done\": 100000}";

  private Vertx vertx;

  @BeforeEach
  void keep(Vertx vertx) {
    this.vertx = vertx;
  }

  private static String gateTask(HttpProbe http, String gate, String fields) {
    return http.create("gate_task", "{\"gate\":\"" + gate + "\"," + fields + "}");
  }

  private static String status(HttpProbe http, String id) {
    return http.task(id).get("status").asText();
  }

  @Test
  void aTaskWithTwoSemaphoresStartsOnlyWithBothAndNeverHoldsUpTasksThatNeedOne() {
    HttpProbe http = TestServer.start(vertx, CONFIG + "}").http();
    String gpuHolder = Gates.newGate();
    gateTask(http, gpuHolder, "\"semaphore_name\":\"gpu\"");
    Gates.awaitEntered(gpuHolder);

    String both = Gates.newGate();
    String bothId = gateTask(http, both, "\"semaphore_names\":[\"single\",\"gpu\"]");
    String cpu = Gates.newGate();
    gateTask(http, cpu, "\"semaphore_name\":\"single\"");
    Gates.awaitEntered(cpu); // it passed the task ahead of it, which waits for the gpu
    JsonNode waiting = http.task(bothId);
    assertEquals("queued", waiting.get("status").asText(), "single is taken now: it cannot have started");
    assertEquals(List.of("single", "gpu"), names(waiting.get("semaphore_names")));
    assertTrue(waiting.get("queue_position").isNull(), "it may be passed: its place is not known");

    Gates.open(cpu);
    await().atMost(Duration.ofSeconds(10)).until(() -> semaphore(http, "single").get("running").asInt() == 0);
    assertEquals("queued", status(http, bothId), "single is free, the gpu is not: it takes neither");
    Gates.open(gpuHolder);
    Gates.awaitEntered(both);
    assertEquals(1, semaphore(http, "gpu").get("running").asInt(), "it holds the gpu");
    assertEquals(1, semaphore(http, "single").get("running").asInt(), "and single");

    String gpuAfter = Gates.newGate();
    String gpuAfterId = gateTask(http, gpuAfter, "\"semaphore_name\":\"gpu\"");
    await().atMost(Duration.ofSeconds(10)).until(() -> semaphore(http, "gpu").get("waiting").asInt() == 1);
    assertEquals("queued", status(http, gpuAfterId), "a gpu task waits for the one holding it as its second");
    Gates.open(both);
    Gates.awaitEntered(gpuAfter); // both permits came free with its end
    Gates.open(gpuAfter);
  }

  /**
   * A randomized mix of tasks taking one to three of four semaphores, some with a key: every task
   * ends (no deadlock, no starvation), and no semaphore ever had more holders than its limit, nor
   * a key more than its per-key limit, read from the tasks' own start and end times.
   */
  @ParameterizedTest
  @CsvSource({"1, sqlite", "2, sqlite", "3, sqlite", "4, memory", "5, memory", "6, memory", "7, sqlite", "8, memory"})
  void aRandomMixOfSeveralSemaphoresNeverDeadlocksAndNeverExceedsALimit(long seed, String store) {
    String config = RandomMix.CONFIG + (store.equals("memory") ? ", \"store\": {\"type\": \"memory\"}}" : "}");
    RandomMix.run(List.of(TestServer.start(vertx, config).http()), seed);
  }

  /** The randomized mix, spread over one or more nodes (of one store). */
  static final class RandomMix {
    static final String CONFIG = "{\"semaphores\": {\"a\": 1, \"b\": {\"limit\": 2, \"per_key\": 1}, \"c\": 1, "
        + "\"default\": 3}, \"retention\": {\"done\": 100000}";
    private static final Map<String, Integer> LIMITS = Map.of("a", 1, "b", 2, "c", 1, "default", 3);

    static void run(List<HttpProbe> nodes, long seed) {
      Random random = new Random(seed);
      List<String> all = List.of("a", "b", "c", "default");
      Map<String, List<String>> taken = new HashMap<>();
      Map<String, HttpProbe> nodeOf = new HashMap<>();
      for (int i = 0; i < 40; i++) {
        List<String> names = new ArrayList<>(all);
        java.util.Collections.shuffle(names, random);
        names = names.subList(0, 1 + random.nextInt(3));
        String key = List.of("", "k1", "k2", "k3").get(random.nextInt(4));
        String body = "{\"sleep_time\": " + (0.002 + random.nextInt(20) / 1000.0) + ", \"semaphore_names\": "
            + io.brinjal.json.Json.encode(names) + ", \"concurrency_key\": \"" + key + "\"}";
        HttpProbe node = nodes.get(random.nextInt(nodes.size()));
        String id = node.create("sleep_task", body);
        taken.put(id, names);
        nodeOf.put(id, node);
      }
      Map<String, List<JsonNode>> bySemaphore = new HashMap<>();
      Map<String, List<JsonNode>> byKeyInB = new HashMap<>();
      for (Map.Entry<String, List<String>> e : taken.entrySet()) {
        HttpProbe node = nodeOf.get(e.getKey());
        JsonNode end = node.awaitTerminal(e.getKey());
        assertEquals("done", end.get("status").asText(), end.toString());
        JsonNode done = node.task(e.getKey());
        for (String s : e.getValue()) bySemaphore.computeIfAbsent(s, k -> new ArrayList<>()).add(done);
        if (e.getValue().contains("b") && !done.get("concurrency_key").isNull()) {
          byKeyInB.computeIfAbsent(done.get("concurrency_key").asText(), k -> new ArrayList<>()).add(done);
        }
      }
      bySemaphore.forEach((s, tasks) -> assertTrue(Intervals.maxOverlap(tasks) <= LIMITS.get(s),
          s + " had " + Intervals.maxOverlap(tasks) + " holders at once, limit " + LIMITS.get(s) + " (seed " + seed + ")"));
      byKeyInB.forEach((key, tasks) -> assertTrue(Intervals.maxOverlap(tasks) <= 1,
          "key " + key + " had " + Intervals.maxOverlap(tasks) + " tasks in b at once, per_key 1 (seed " + seed + ")"));
    }
  }

  @Test
  void aKeyRunsAtMostPerKeyAtOnceAndOthersStartPastIt() {
    HttpProbe http = TestServer.start(vertx, CONFIG + "}").http();
    List<String> a = new ArrayList<>();
    List<String> aIds = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      a.add(Gates.newGate());
      aIds.add(gateTask(http, a.get(i), "\"semaphore_name\":\"tenants\",\"concurrency_key\":\"a\""));
    }
    Gates.awaitEntered(a.get(0));
    Gates.awaitEntered(a.get(1));
    String b = Gates.newGate();
    gateTask(http, b, "\"semaphore_name\":\"tenants\",\"concurrency_key\":\"b\"");
    Gates.awaitEntered(b);
    String c = Gates.newGate();
    gateTask(http, c, "\"semaphore_name\":\"tenants\",\"concurrency_key\":\"c\"");
    Gates.awaitEntered(c); // the limit of 4 is full now: a's third cannot have started

    assertEquals("queued", status(http, aIds.get(2)), "key a holds its 2 of 4");
    JsonNode tenants = semaphore(http, "tenants");
    assertEquals(2, tenants.get("per_key").asInt());
    assertEquals(2, tenants.get("configured_per_key").asInt());
    assertEquals(4, tenants.get("running").asInt());
    JsonNode busiest = tenants.get("busiest_keys");
    assertEquals("a", busiest.get(0).get("key").asText());
    assertEquals(2, busiest.get(0).get("running").asInt());
    assertEquals(3, busiest.size());
    assertNull(http.task(aIds.get(3)).get("queue_position").numberValue(), "a per-key line has no exact positions");

    Gates.open(b);
    await().atMost(Duration.ofSeconds(10)).until(() -> semaphore(http, "tenants").get("running").asInt() == 3);
    assertEquals("queued", status(http, aIds.get(2)), "a permit is free, but key a still holds its 2");
    Gates.open(a.get(0));
    Gates.awaitEntered(a.get(2)); // one of a's ended: its next one starts
    Gates.open(c);
    Gates.open(a.get(1));
    Gates.awaitEntered(a.get(3));
    a.forEach(Gates::open);
  }

  @Test
  void waitingKeysTakeTurnsSoALateKeyIsNotStarvedBehindABigOne() {
    HttpProbe http = TestServer.start(vertx, CONFIG + "}").http();
    Map<String, String> keyOfGate = new HashMap<>();
    List<String> gates = new ArrayList<>();
    String[] keys = {"a", "a", "a", "a", "b", "b", "c"};
    for (String key : keys) {
      String gate = Gates.newGate();
      gates.add(gate);
      keyOfGate.put(gate, key);
      gateTask(http, gate, "\"semaphore_name\":\"rr\",\"concurrency_key\":\"" + key + "\"");
    }
    List<String> order = new ArrayList<>();
    List<String> left = new ArrayList<>(gates);
    while (!left.isEmpty()) { // rr runs one at a time: each end lets exactly the next one in
      String started = awaitOneEntered(left);
      order.add(keyOfGate.get(started));
      left.remove(started);
      Gates.open(started);
    }
    // a's first started at once; then the head of the line (a's second), then each other key's
    // first in the order they came, then the next round
    assertEquals(List.of("a", "a", "b", "c", "a", "b", "a"), order);
  }

  @Test
  void perKeyIsChangedLiveKeptAcrossARestartAndBadValuesSayWhy() throws Exception {
    Path dir = Files.createTempDirectory("brinjal-per-key-");
    String config = CONFIG + ", \"store\": {\"type\": \"sqlite\", \"path\": \"" + dir.resolve("k.db") + "\"}}";
    TestServer first = TestServer.start(vertx, config);
    HttpProbe http = first.http();
    for (String bad : List.of("{}", "{\"per_key\": -1}", "{\"per_key\": \"2\"}", "{\"per_key\": 10001}",
        "{\"per_key\": null}", "{\"limit\": 4, \"per_key\": 2.5}", "{\"per_key\": 1, \"fairness\": 1}")) {
      Reply r = SemaphoreLimitApiTest.patch(http, "multiple", bad);
      assertEquals(422, r.status(), bad + " -> " + r);
      assertTrue(r.json().get("detail").asText().length() > 10, r.toString());
    }
    Reply changed = SemaphoreLimitApiTest.patch(http, "multiple", "{\"limit\": 4, \"per_key\": 1}");
    assertEquals(200, changed.status(), changed.toString());
    assertEquals(4, changed.json().get("limit").asInt());
    assertEquals(1, changed.json().get("per_key").asInt());
    assertEquals(0, changed.json().get("configured_per_key").asInt());

    String one = Gates.newGate();
    gateTask(http, one, "\"semaphore_name\":\"multiple\",\"concurrency_key\":\"t\"");
    Gates.awaitEntered(one);
    String two = Gates.newGate();
    String twoId = gateTask(http, two, "\"semaphore_name\":\"multiple\",\"concurrency_key\":\"t\"");
    String other = Gates.newGate();
    gateTask(http, other, "\"semaphore_name\":\"multiple\",\"concurrency_key\":\"u\"");
    Gates.awaitEntered(other); // passed t's second, which waits for t's first
    assertEquals("queued", status(http, twoId));
    Gates.open(other);
    Gates.open(one);
    Gates.awaitEntered(two);
    Gates.open(two);
    http.awaitTerminal(twoId);
    first.stop();

    TestServer second = TestServer.start(vertx, config);
    JsonNode kept = semaphore(second.http(), "multiple");
    assertEquals(1, kept.get("per_key").asInt());
    assertEquals(4, kept.get("limit").asInt());
    assertEquals(200, SemaphoreLimitApiTest.patch(second.http(), "multiple", "{\"per_key\": 0}").status());
    assertEquals(0, semaphore(second.http(), "multiple").get("per_key").asInt());
  }

  @Test
  void badSemaphoreListsAndKeysAre422() {
    HttpProbe http = TestServer.start(vertx, CONFIG + "}").http();
    for (String bad : List.of("{\"semaphore_names\": \"gpu\"}", "{\"semaphore_names\": [\"\"]}",
        "{\"semaphore_names\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]}",
        "{\"concurrency_key\": \"" + "k".repeat(201) + "\"}", "{\"concurrency_key\": 5}")) {
      Reply r = http.postJson("/sleep_task", bad);
      assertEquals(422, r.status(), bad + " -> " + r);
      assertTrue(r.json().get("detail").asText().contains(bad.contains("key") ? "concurrency_key" : "semaphore_names"),
          r.toString());
    }
  }

  private static String awaitOneEntered(List<String> gates) {
    String[] entered = new String[1];
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      for (String g : gates) {
        if (Gates.hasEntered(g)) {
          entered[0] = g;
          return true;
        }
      }
      return false;
    });
    return entered[0];
  }

  private static List<String> names(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static JsonNode semaphore(HttpProbe http, String name) {
    return SemaphoreLimitApiTest.semaphore(http, name);
  }
}
