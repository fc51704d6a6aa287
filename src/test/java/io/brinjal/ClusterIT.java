package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.json.Json;
import io.brinjal.support.JarProcess;
import io.brinjal.support.PostgresServer;
import io.brinjal.support.Scrape;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real servers (the packaged jar, three processes) on one real PostgreSQL: one service.
 * Limits hold cluster-wide, any node's subscribers see every node's tasks, a cancel sent to any
 * node reaches the one that runs the task, a node killed with SIGKILL or frozen with SIGSTOP has
 * its tasks taken over (and the frozen one's late writes are refused), a cron match fires once,
 * and a restart of PostgreSQL under load loses nothing that was answered.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClusterIT {
  private static final long NODE_TIMEOUT_MS = 3000;
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path dir;

  private PostgresServer.Database db;
  private final List<JarProcess> nodes = new ArrayList<>();

  @BeforeEach
  void startThreeNodes() {
    db = PostgresServer.get().newDatabase();
    for (String name : List.of("a", "b", "c")) nodes.add(startNode(name));
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(JarProcess::close);
  }

  private JarProcess startNode(String name) {
    return JarProcess.startReady(Map.of("BRINJAL_STORE_TYPE", "postgres", "BRINJAL_STORE_URL", db.url(),
        "BRINJAL_NODE_ID", name, "BRINJAL_CLUSTER_NODE_TIMEOUT_MS", Long.toString(NODE_TIMEOUT_MS),
        "BRINJAL_RETENTION_DONE", "100000", "BRINJAL_RETENTION_FAILED", "100000"), dir);
  }

  private static String create(JarProcess node, String route, String json) throws IOException {
    HttpResponse<String> reply = node.post("/" + route, json);
    assertEquals(200, reply.statusCode(), reply.body());
    return Json.MAPPER.readTree(reply.body()).get("task_id").asText();
  }

  private static JsonNode task(JarProcess node, String id) {
    return node.json("/" + id);
  }

  private static boolean ended(JsonNode task) {
    return Set.of("done", "failed", "cancelled").contains(task.get("status").asText());
  }

  // ---------------------------------------------------------------- limits

  @Test
  void limitsHoldClusterWideUnderABurstPostedToEveryNode() throws Exception {
    List<String> single = new ArrayList<>();
    List<String> def = new ArrayList<>();
    List<Sse> streams = new ArrayList<>();
    for (JarProcess node : nodes) streams.add(Sse.open(node, "/queue/stream?task_updates=true"));
    for (Sse stream : streams) assertEquals("queue_updated", stream.next().get("type").asText());
    ExecutorService clients = Executors.newFixedThreadPool(12);
    List<java.util.concurrent.Future<String>> posts = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      JarProcess node = nodes.get(i % 3);
      boolean toSingle = i % 2 == 0;
      posts.add(clients.submit(() -> create(node, "sleep_task",
          "{\"sleep_time\": 0.03, \"semaphore_name\": \"" + (toSingle ? "single" : "default") + "\"}")));
    }
    // meanwhile, the database's own count of tasks holding a permit, sampled
    AtomicInteger maxSingle = new AtomicInteger();
    AtomicInteger maxDefault = new AtomicInteger();
    AtomicLong samples = new AtomicLong();
    var sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(() -> {
      maxSingle.accumulateAndGet(running(db, "single"), Math::max);
      maxDefault.accumulateAndGet(running(db, "default"), Math::max);
      samples.incrementAndGet();
    }, 0, 100, TimeUnit.MILLISECONDS);
    for (int i = 0; i < posts.size(); i++) (i % 2 == 0 ? single : def).add(posts.get(i).get(30, TimeUnit.SECONDS));
    clients.shutdown();
    JarProcess a = nodes.get(0);
    await().atMost(Duration.ofSeconds(60)).until(() -> Stream.concat(single.stream(), def.stream()).allMatch(id -> ended(task(a, id))));
    sampler.shutdownNow();

    assertTrue(maxSingle.get() <= 1, "the database saw " + maxSingle + " running on single");
    assertTrue(maxDefault.get() <= 3, "the database saw " + maxDefault + " running on default");
    assertTrue(samples.get() > 10);
    assertEquals(1, maxOverlap(a, single), "single: intervals from started_at/completed_at");
    assertTrue(maxOverlap(a, def) <= 3, "default: at most 3 at once");
    Set<String> ranOn = new HashSet<>();
    for (String id : Stream.concat(single.stream(), def.stream()).toList()) {
      JsonNode t = task(a, id);
      assertEquals("done", t.get("status").asText(), t.toString());
      ranOn.add(t.get("node_id").asText());
    }
    assertTrue(ranOn.size() >= 2, "tasks ran on several nodes: " + ranOn);
    JsonNode semaphores = a.json("/semaphores");
    assertEquals(0, semaphores.get(0).get("running").asInt());
    Set<String> all = new HashSet<>(single);
    all.addAll(def);
    for (int n = 0; n < streams.size(); n++) {
      try (Sse stream = streams.get(n)) {
        assertEachTaskShownInOrder(stream, all, "node " + (char) ('a' + n));
      }
    }
  }

  /**
   * On one node's stream, each task is added first, then never goes back to an earlier state (a
   * notification from another node that arrives after the store showed a newer state is not
   * shown), and ends done.
   */
  private static void assertEachTaskShownInOrder(Sse stream, Set<String> ids, String node) throws InterruptedException {
    Map<String, List<String>> shown = new HashMap<>();
    Set<String> unfinished = new HashSet<>(ids);
    while (!unfinished.isEmpty()) {
      JsonNode e = stream.next();
      boolean added = "task_added".equals(e.path("type").asText());
      JsonNode task = added ? e.path("task") : e;
      String id = task.path("task_id").asText();
      if (!ids.contains(id) || (!added && !e.path("type").asText().isEmpty())) continue;
      String status = task.path("status").asText();
      shown.computeIfAbsent(id, k -> new ArrayList<>()).add(added ? "added:" + status : status);
      if (Set.of("done", "failed", "cancelled").contains(status)) unfinished.remove(id);
    }
    for (Map.Entry<String, List<String>> t : shown.entrySet()) {
      List<String> events = t.getValue();
      assertTrue(events.get(0).startsWith("added:"), node + ", task " + t.getKey() + ": " + events);
      int rank = 0;
      for (String event : events) {
        int next = statusRank(event.replace("added:", ""));
        assertTrue(next >= rank, node + ", task " + t.getKey() + " went back: " + events);
        rank = next;
      }
      assertEquals("done", events.get(events.size() - 1), node + ", task " + t.getKey() + ": " + events);
    }
  }

  private static int statusRank(String status) {
    return switch (status) {
      case "queued", "scheduled" -> 0;
      case "running", "cancelling" -> 1;
      default -> 2;
    };
  }

  private static int running(PostgresServer.Database db, String semaphore) {
    return (int) PostgresServer.get().queryLong(db.name(),
        "SELECT count(*) FROM brinjal_tasks WHERE semaphore = '" + semaphore + "' AND status IN ('running', 'cancelling')");
  }

  /** The most tasks whose [started_at, completed_at) intervals overlap at one instant. */
  private static int maxOverlap(JarProcess node, List<String> ids) {
    List<long[]> edges = new ArrayList<>();
    for (String id : ids) {
      JsonNode t = task(node, id);
      edges.add(new long[] {Instant.parse(t.get("started_at").asText()).toEpochMilli(), 1});
      edges.add(new long[] {Instant.parse(t.get("completed_at").asText()).toEpochMilli(), -1});
    }
    edges.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1])); // ends first
    int now = 0;
    int max = 0;
    for (long[] e : edges) max = Math.max(max, now += (int) e[1]);
    return max;
  }

  // ---------------------------------------------------------------- scheduled tasks

  @Test
  void scheduledTasksRunOnceEachOnSomeNodeEvenWhenTheNodeThatTookThemIsKilled() throws Exception {
    JarProcess a = nodes.get(0);
    JarProcess b = nodes.get(1);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      JarProcess node = i % 2 == 0 ? a : b;
      HttpResponse<String> reply = node.post("/noop_task", "{}", Map.of("Brinjal-Delay", "4"));
      assertEquals(200, reply.statusCode(), reply.body());
      ids.add(Json.MAPPER.readTree(reply.body()).get("task_id").asText());
    }
    JarProcess c = nodes.get(2);
    for (String id : ids) assertEquals("scheduled", task(c, id).get("status").asText(), task(c, id).toString());
    a.killHard(); // half of them were taken by a: the others queue them when their time comes
    await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> ended(task(c, id))));
    for (String id : ids) {
      JsonNode t = task(c, id);
      assertEquals("done", t.get("status").asText(), t.toString());
      assertEquals(1, t.get("attempt").asInt(), "queued once, run once: " + t);
      assertTrue(!Instant.parse(t.get("started_at").asText())
          .isBefore(Instant.parse(t.get("created_at").asText()).plusMillis(4000)), t.toString());
      assertTrue(Set.of("b", "c").stream().anyMatch(n -> t.get("node_id").asText().startsWith(n)), t.toString());
    }
  }

  // ---------------------------------------------------------------- events and cancel across nodes

  @Test
  void aSubscriberOnOneNodeSeesWhatHappensOnAnother() throws Exception {
    JarProcess a = nodes.get(0);
    JarProcess b = nodes.get(1);
    try (Sse stream = Sse.open(a, "/queue/stream?task_updates=true")) {
      assertEquals("queue_updated", stream.next().get("type").asText());
      String id = create(b, "progress_task", "{\"steps\": 5, \"interval_ms\": 20}");
      JsonNode added = stream.nextMatching(e -> "task_added".equals(e.path("type").asText()));
      assertEquals(id, added.get("task").get("task_id").asText());
      JsonNode end = stream.nextMatching(e -> id.equals(e.path("task_id").asText()) && ended(e));
      assertEquals("done", end.get("status").asText());
      assertEquals(5, end.get("progress").asInt(), "its last step, live from the other node");
    }
  }

  @Test
  void aSubscriberThatComesBackOnAnotherNodeGetsTheWholeStateAndOnItsOwnNodeWhatItMissed() throws Exception {
    JarProcess a = nodes.get(0);
    JarProcess b = nodes.get(1);
    JarProcess c = nodes.get(2);
    String path = "/queue/stream?task_updates=true";
    String first;
    String lastId;
    try (Sse stream = Sse.open(b, path)) {
      assertEquals("queue_updated", stream.next().get("type").asText());
      first = create(a, "noop_task", "{}");
      stream.nextMatching(e -> first.equals(e.path("task_id").asText()) && ended(e));
      lastId = stream.lastId();
    }
    // while the subscriber is away, another task comes and goes
    String second = create(c, "noop_task", "{}");
    await().atMost(Duration.ofSeconds(20)).until(() -> ended(task(b, second)));

    try (Sse elsewhere = Sse.resume(a, path, lastId)) {
      JsonNode snapshot = elsewhere.next();
      assertEquals("queue_updated", snapshot.get("type").asText(), "b's event id means nothing on a: " + snapshot);
      Map<String, String> statuses = new java.util.HashMap<>();
      snapshot.get("tasks").forEach(t -> statuses.put(t.get("task_id").asText(), t.get("status").asText()));
      assertEquals("done", statuses.get(first));
      assertEquals("done", statuses.get(second), "what happened while away is in the snapshot");
    }
    try (Sse sameNode = Sse.resume(b, path, lastId)) {
      JsonNode added = sameNode.next();
      assertEquals("task_added", added.get("type").asText(), "b replays what it sent since: " + added);
      assertEquals(second, added.path("task").path("task_id").asText(null), "the task it replays: " + added);
      assertEquals("done", sameNode.nextMatching(e -> second.equals(e.path("task_id").asText()) && ended(e))
          .get("status").asText());
    }
  }

  @Test
  void aCancelSentToAnyNodeReachesTheNodeThatRunsTheTask() throws Exception {
    String id = create(nodes.get(1), "sleep_task", "{\"sleep_time\": 60, \"semaphore_name\": \"multiple\"}");
    await().atMost(Duration.ofSeconds(20)).until(() -> task(nodes.get(0), id).get("status").asText().equals("running"));
    String owner = task(nodes.get(0), id).get("node_id").asText();
    JarProcess other = nodes.stream().filter(n -> !owner.startsWith(nodeName(n))).findFirst().orElseThrow();
    HttpResponse<String> cancel = send(other, "POST", "/" + id + "/cancel");
    assertEquals(200, cancel.statusCode(), cancel.body());
    await().atMost(Duration.ofSeconds(20)).until(() -> task(nodes.get(2), id).get("status").asText().equals("cancelled"));
    assertEquals(owner, task(nodes.get(0), id).get("node_id").asText(), "it ended where it ran");
  }

  private String nodeName(JarProcess node) {
    return List.of("a", "b", "c").get(nodes.indexOf(node)) + "-";
  }

  // ---------------------------------------------------------------- dead and frozen nodes

  @Test
  void aNodeKilledWithSigkillHasItsRunningTasksTakenOverAndItsPermitsBack() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) ids.add(create(nodes.get(i % 3), "sleep_task", "{\"sleep_time\": 60, \"semaphore_name\": \"multiple\"}"));
    JarProcess a = nodes.get(0);
    await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().allMatch(id -> task(a, id).get("status").asText().equals("running")));
    // the victim: a node other than a that runs at least one of them
    String victimName = ids.stream().map(id -> task(a, id).get("node_id").asText()).filter(n -> !n.startsWith("a-"))
        .findFirst().orElseThrow(() -> new AssertionError("every task ran on a"));
    JarProcess victim = victimName.startsWith("b-") ? nodes.get(1) : nodes.get(2);
    Set<String> victims = new HashSet<>();
    for (String id : ids) if (task(a, id).get("node_id").asText().equals(victimName)) victims.add(id);
    double runningHere = 0;
    int runningHereJson = 0;
    for (JarProcess node : nodes) {
      Scrape scrape = scrape(node);
      assertEquals(3, scrape.value("brinjal_cluster_nodes"));
      assertEquals(ids.size(), scrape.value("brinjal_semaphore_running", "semaphore", "multiple"), "the cluster's count");
      runningHere += scrape.value("brinjal_semaphore_running_here", "semaphore", "multiple");
      JsonNode multiple = node.json("/semaphores").get(1);
      assertEquals("multiple", multiple.get("name").asText());
      assertEquals(ids.size(), multiple.get("running").asInt());
      runningHereJson += multiple.get("running_here").asInt();
    }
    assertEquals(ids.size(), runningHere, "each node counts its own");
    assertEquals(ids.size(), runningHereJson, "each node counts its own in /semaphores");
    long killedAt = System.nanoTime();
    victim.killHard();
    await().atMost(Duration.ofSeconds(30)).until(() -> victims.stream().allMatch(id -> ended(task(a, id))));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    for (String id : victims) {
      JsonNode t = task(a, id);
      assertEquals("failed", t.get("status").asText(), t.toString());
      assertEquals("Interrupted", t.get("error_type").asText());
    }
    System.out.printf("a node's death to its %d task(s) taken over: %d ms (node timeout %d ms)%n", victims.size(), tookMillis,
        NODE_TIMEOUT_MS);
    for (String id : ids) if (!victims.contains(id)) assertEquals("running", task(a, id).get("status").asText());
    assertEquals(ids.size() - victims.size(), a.json("/semaphores").get(1).get("running").asInt(), "the dead node's permits came back");
    assertEquals(2, scrape(a).value("brinjal_cluster_nodes"), "the dead node left the cluster");
    for (String id : ids) if (!victims.contains(id)) send(a, "POST", "/" + id + "/cancel");
  }

  private static Scrape scrape(JarProcess node) throws IOException {
    HttpResponse<String> reply = node.get("/metrics");
    assertEquals(200, reply.statusCode());
    return new Scrape(reply.body());
  }

  @Test
  void aFrozenNodeIsTakenOverItsLateWritesAreRefusedAndItRejoins() throws Exception {
    JarProcess b = nodes.get(1);
    JarProcess a = nodes.get(0);
    // on b for sure: only b takes tasks of this semaphore while the others are busy with theirs
    String id = null;
    for (int i = 0; i < 20 && id == null; i++) {
      String candidate = create(b, "sleep_task", "{\"sleep_time\": 5, \"semaphore_name\": \"default\"}");
      String c = candidate;
      await().atMost(Duration.ofSeconds(20)).until(() -> task(a, c).get("status").asText().equals("running"));
      if (task(a, candidate).get("node_id").asText().startsWith("b-")) id = candidate;
    }
    assertTrue(id != null, "no task ran on node b");
    String onB = id;
    signal(b, "STOP");
    await().atMost(Duration.ofSeconds(20)).until(() -> ended(task(a, onB)));
    JsonNode takenOver = task(a, onB);
    assertEquals("failed", takenOver.get("status").asText());
    assertEquals("Interrupted", takenOver.get("error_type").asText());
    signal(b, "CONT"); // its sleep ends soon after: its "done" must not overwrite what the cluster decided
    await().atMost(Duration.ofSeconds(30)).until(() -> b.output().contains("task " + onB + " (SleepTask) is no longer this node's"));
    await().atMost(Duration.ofSeconds(30)).until(() -> b.output().contains("joined the cluster again as node"));
    await().atMost(Duration.ofSeconds(20)).until(() -> send(b, "GET", "/health/ready").statusCode() == 200);
    JsonNode after = task(a, onB);
    assertEquals("failed", after.get("status").asText(), "a stale write from the frozen node overwrote the cluster's decision");
    assertEquals(takenOver.get("completed_at"), after.get("completed_at"));
    String fresh = create(b, "noop_task", "{}");
    await().atMost(Duration.ofSeconds(20)).until(() -> task(a, fresh).get("status").asText().equals("done"));
  }

  private static void signal(JarProcess node, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.pid())).start();
    assertEquals(0, kill.waitFor());
  }

  // ---------------------------------------------------------------- recurring

  @Test
  void aCronMatchFiresOnceWithThreeNodesUp() throws Exception {
    HttpResponse<String> created = nodes.get(0).post("/recurring/NoopTask?cron_expression=*%20*%20*%20*%20*", "{}");
    assertEquals(200, created.statusCode(), created.body());
    String scheduleId = Json.MAPPER.readTree(created.body()).get("recurring_id").asText();
    // every node knows it (it was created on a)
    await().atMost(Duration.ofSeconds(10)).until(() -> send(nodes.get(2), "GET", "/recurring/" + scheduleId).statusCode() == 200);
    String firstRun = Json.MAPPER.readTree(created.body()).get("next_run").asText();
    await().atMost(Duration.ofSeconds(75)).until(() -> instances(scheduleId) >= 1);
    // every node has passed that match (each looks at it once, then aims at the next minute)
    for (JarProcess node : nodes) {
      await().atMost(Duration.ofSeconds(20)).until(() -> !firstRun.equals(node.json("/recurring/" + scheduleId).get("next_run").asText()));
    }
    long firstMinute = instances(scheduleId);
    assertEquals(1, firstMinute, "one instance per match, whatever the number of nodes");
    assertEquals(1, PostgresServer.get().queryLong(db.name(),
        "SELECT count(*) FROM brinjal_tasks WHERE parent_id = '" + scheduleId + "'"));
  }

  private long instances(String scheduleId) throws IOException {
    HttpResponse<String> found = nodes.get(1).post("/search", "{\"parent_id\": \"" + scheduleId + "\"}");
    return Json.MAPPER.readTree(found.body()).get("task_ids").size();
  }

  // ---------------------------------------------------------------- database trouble

  @Test
  void aRestartOfPostgresqlUnderLoadLosesNothingThatWasAnswered() throws Exception {
    JarProcess a = nodes.get(0);
    Map<String, Boolean> accepted = new ConcurrentHashMap<>();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger unavailable = new AtomicInteger();
    var posting = new java.util.concurrent.atomic.AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(6);
    for (int c = 0; c < 6; c++) {
      JarProcess node = nodes.get(c % 3);
      clients.submit(() -> {
        while (posting.get()) {
          try {
            HttpResponse<String> r = node.post("/sleep_task", "{\"sleep_time\": 0.01, \"semaphore_name\": \"multiple\"}");
            if (r.statusCode() == 200) accepted.put(Json.MAPPER.readTree(r.body()).get("task_id").asText(), true);
            else if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isPresent()) unavailable.incrementAndGet();
            else refused.incrementAndGet();
          } catch (IOException e) {
            refused.incrementAndGet();
          }
        }
        return null;
      });
    }
    try (Sse stream = Sse.open(a, "/queue/stream")) {
      stream.next();
      await().atMost(Duration.ofSeconds(10)).until(() -> accepted.size() > 50);
      PostgresServer.get().stop();
      await().atMost(Duration.ofSeconds(20)).until(() -> unavailable.get() > 0);
      await().atMost(Duration.ofSeconds(20)).until(() -> send(a, "GET", "/health/ready").statusCode() == 503);
      PostgresServer.get().start();
      await().atMost(Duration.ofSeconds(30)).until(() -> send(a, "GET", "/health/ready").statusCode() == 200);
      int before = accepted.size();
      await().atMost(Duration.ofSeconds(20)).until(() -> accepted.size() > before + 20);
      posting.set(false);
      clients.shutdown();
      assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
      String marker = create(nodes.get(1), "noop_task", "{}");
      stream.nextMatching(e -> "task_added".equals(e.path("type").asText()) && marker.equals(e.get("task").get("task_id").asText()));
    }
    assertEquals(0, refused.get(), "every answer was 200, or 503 with Retry-After");
    await().atMost(Duration.ofSeconds(60)).until(() -> accepted.keySet().stream().allMatch(id -> ended(task(a, id))));
    for (String id : accepted.keySet()) {
      JsonNode t = task(a, id);
      assertNotEquals("running", t.get("status").asText());
    }
    System.out.printf("PostgreSQL restarted under load: %d tasks answered, %d refused with 503, none lost%n",
        accepted.size(), unavailable.get());
  }

  // ---------------------------------------------------------------- helpers

  private static HttpResponse<String> send(JarProcess node, String method, String path) throws IOException {
    try {
      return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
          .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** An SSE client on its own thread: events as JSON, in order. */
  private static final class Sse implements AutoCloseable {
    private record Event(String id, JsonNode data) {}

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final java.util.concurrent.CompletableFuture<HttpResponse<Void>> response;
    private volatile String pendingId; // the id: line of the event whose data: line comes next
    private String lastId; // of the latest event taken

    private Sse(JarProcess node, String path, String lastEventId) {
      HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path)).GET();
      if (lastEventId != null) builder.header("Last-Event-ID", lastEventId);
      HttpRequest request = builder.build();
      response = CLIENT.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(new java.util.concurrent.Flow.Subscriber<String>() {
        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
          s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
          if (line.startsWith("id: ")) pendingId = line.substring(4);
          if (!line.startsWith("data: ")) return;
          try {
            events.add(new Event(pendingId, Json.MAPPER.readTree(line.substring(6))));
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onComplete() {}
      }));
    }

    static Sse open(JarProcess node, String path) {
      return new Sse(node, path, null);
    }

    static Sse resume(JarProcess node, String path, String lastEventId) {
      return new Sse(node, path, lastEventId);
    }

    JsonNode next() throws InterruptedException {
      Event e = events.poll(30, TimeUnit.SECONDS);
      if (e == null) throw new AssertionError("no event within 30 s");
      lastId = e.id();
      return e.data();
    }

    String lastId() {
      return lastId;
    }

    JsonNode nextMatching(java.util.function.Predicate<JsonNode> wanted) throws InterruptedException {
      while (true) {
        JsonNode e = next();
        if (wanted.test(e)) return e;
      }
    }

    @Override
    public void close() {
      response.cancel(true);
    }
  }
}
