import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Figures of a cluster of nodes on one PostgreSQL that bench/run-cluster.sh starts. One of:
 *
 * <pre>
 *   java -cp target/brinjal.jar bench/ClusterBench.java claims --ports 8201,8202
 *   java -cp target/brinjal.jar bench/ClusterBench.java events --ports 8201,8202,8203 --tasks 600 --rate 40
 *   java -cp target/brinjal.jar bench/ClusterBench.java death --ports 8201,8202,8203 \
 *       --victim-port 8203 --victim-pid PID --victim-node bench-3 [--tasks 3]
 * </pre>
 *
 * <ul>
 *   <li>{@code claims}: each node's {@code brinjal_store_claim_seconds} timer (one claim
 *       transaction, BEGIN to COMMIT): count, mean, max and the bucket holding the 99th
 *       percentile.
 *   <li>{@code events}: a {@code /queue/stream?task_updates=true} subscriber on every node;
 *       tasks posted round-robin at a steady rate. For each event (a task added, each status
 *       it reaches) the first node to show it is the one that made the change; how much later
 *       each other node shows it is the cross-node latency (NOTIFY, LISTEN, republishing).
 *   <li>{@code death}: long tasks running on the victim node, which is killed with SIGKILL;
 *       the time until another node shows them all failed as {@code Interrupted}.
 * </ul>
 * Exits non-zero when something is wrong (an event never reached a node, a task not handled).
 */
public class ClusterBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    if (args.length == 0) usage();
    Map<String, String> opt = new HashMap<>(Map.of("host", "127.0.0.1", "ports", "8201", "tasks", "600",
        "rate", "40", "victim-port", "-1", "victim-pid", "-1", "victim-node", "", "node-timeout-ms", "5000"));
    for (int i = 1; i + 1 < args.length; i += 2) {
      String key = args[i].replaceFirst("^--", "");
      if (!opt.containsKey(key)) usage();
      opt.put(key, args[i + 1]);
    }
    List<String> nodes = Arrays.stream(opt.get("ports").split(",")).map(p -> "http://" + opt.get("host") + ":" + p).toList();
    boolean ok = switch (args[0]) {
      case "claims" -> claims(nodes);
      case "events" -> events(nodes, Integer.parseInt(opt.get("tasks")), Double.parseDouble(opt.get("rate")));
      case "death" -> death(nodes, "http://" + opt.get("host") + ":" + opt.get("victim-port"),
          Long.parseLong(opt.get("victim-pid")), opt.get("victim-node"), Integer.parseInt(opt.get("tasks")),
          Long.parseLong(opt.get("node-timeout-ms")));
      default -> { usage(); yield false; }
    };
    System.exit(ok ? 0 : 1);
  }

  private static void usage() {
    System.err.println("usage: ClusterBench claims|events|death --ports P1,P2,... [--tasks N --rate PER_S] "
        + "[--victim-port P --victim-pid PID --victim-node NAME --node-timeout-ms MS]");
    System.exit(64);
  }

  // ---------------------------------------------------------------- claims

  private static final Pattern BUCKET = Pattern.compile("^brinjal_store_claim_seconds_bucket\\{le=\"([^\"]+)\"} (\\S+)$");

  /** A node's claim timer as scraped: count, sum (s), max (s), cumulative count per bucket bound. */
  record Claims(double count, double sum, double max, java.util.LinkedHashMap<String, Double> buckets) {
    static Claims of(String node) throws Exception {
      String metrics = get(node + "/metrics").body();
      java.util.LinkedHashMap<String, Double> buckets = new java.util.LinkedHashMap<>();
      for (String line : metrics.split("\n")) {
        Matcher m = BUCKET.matcher(line);
        if (m.matches()) buckets.put(m.group(1), Double.parseDouble(m.group(2)));
      }
      return new Claims(sample(metrics, "brinjal_store_claim_seconds_count"), sample(metrics, "brinjal_store_claim_seconds_sum"),
          sample(metrics, "brinjal_store_claim_seconds_max"), buckets);
    }

    /** What happened between {@code before} and this scrape (max stays the timer's recent max). */
    Claims since(Claims before) {
      java.util.LinkedHashMap<String, Double> delta = new java.util.LinkedHashMap<>();
      buckets.forEach((le, n) -> delta.put(le, n - before.buckets.getOrDefault(le, 0.0)));
      return new Claims(count - before.count, sum - before.sum, max, delta);
    }

    String describe() {
      String p99 = "?";
      for (var bucket : buckets.entrySet()) {
        if (bucket.getValue() >= 0.99 * count) {
          p99 = bucket.getKey().equals("+Inf") ? "> 1 s"
              : String.format(Locale.ROOT, "<= %.0f ms", Double.parseDouble(bucket.getKey()) * 1e3);
          break;
        }
      }
      return String.format(Locale.ROOT, "%.0f transactions, mean %.2f ms, p99 %s, max (last minutes) %.1f ms",
          count, count == 0 ? 0 : sum / count * 1e3, p99, max * 1e3);
    }
  }

  private static boolean claims(List<String> nodes) throws Exception {
    for (String node : nodes) System.out.println("claims on " + node + ": " + Claims.of(node).describe());
    return true;
  }

  private static double sample(String metrics, String name) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ")) return Double.parseDouble(line.substring(name.length() + 1).trim());
    }
    throw new IllegalStateException(name + " not in the scrape (is the store PostgreSQL?)");
  }
  // ---------------------------------------------------------------- events

  private static boolean events(List<String> nodes, int tasks, double rate) throws Exception {
    // first arrival of each event on each node: key -> nanoTime per node (0 = not yet)
    Map<String, AtomicLongArray> seen = new ConcurrentHashMap<>();
    CountDownLatch subscribed = new CountDownLatch(nodes.size());
    java.util.concurrent.atomic.AtomicBoolean[] open = new java.util.concurrent.atomic.AtomicBoolean[nodes.size()];
    for (int n = 0; n < open.length; n++) open[n] = new java.util.concurrent.atomic.AtomicBoolean();
    List<java.util.concurrent.CompletableFuture<?>> streams = new ArrayList<>();
    for (int n = 0; n < nodes.size(); n++) {
      int node = n;
      HttpRequest request = HttpRequest.newBuilder(URI.create(nodes.get(n) + "/queue/stream?task_updates=true"))
          .header("Accept", "text/event-stream").build();
      streams.add(HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAccept(response ->
          response.body().forEach(line -> {
            if (!line.startsWith("data: ")) return;
            long at = System.nanoTime();
            JsonNode event = read(line.substring(6));
            String type = event.path("type").asText();
            String key = switch (type) {
              case "queue_updated" -> { if (open[node].compareAndSet(false, true)) subscribed.countDown(); yield null; }
              case "task_added" -> event.path("task").path("task_id").asText() + " added";
              case "" -> event.path("task_id").asText() + " " + event.path("status").asText(); // a task event
              default -> null;
            };
            if (key != null) seen.computeIfAbsent(key, k -> new AtomicLongArray(nodes.size())).compareAndSet(node, 0, at);
          })));
    }
    if (!subscribed.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("a queue stream did not open");

    System.out.printf(Locale.ROOT, "events: %d subscribers (one per node), %d sleep_task(s) of 20 ms posted round-robin at %.0f/s%n",
        nodes.size(), tasks, rate);
    List<Claims> claimsBefore = new ArrayList<>();
    for (String node : nodes) claimsBefore.add(Claims.of(node));
    List<String> ids = new ArrayList<>();
    long period = (long) (1e9 / rate);
    long next = System.nanoTime();
    for (int i = 0; i < tasks; i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
      next += period;
      HttpResponse<String> reply = post(nodes.get(i % nodes.size()) + "/sleep_task",
          "{\"sleep_time\": 0.02, \"semaphore_name\": \"multiple\"}");
      if (reply.statusCode() != 200) throw new IllegalStateException("POST answered " + reply.statusCode() + ": " + reply.body());
      ids.add(read(reply.body()).get("task_id").asText());
    }
    // every node shows every task done, or 30 s have passed
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline && !ids.stream().allMatch(id -> seenEverywhere(seen.get(id + " done")))) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    streams.forEach(s -> s.cancel(true));

    // A node may skip "running" (its catch-up from the store read the task already done, and a
    // late notification older than that is not shown: a stream never goes back), never "added"
    // or "done". Delays are sampled from the nodes that showed the event itself.
    List<Long> delays = new ArrayList<>();
    int missing = 0;
    int skipped = 0;
    for (String id : ids) {
      AtomicLongArray done = seen.get(id + " done");
      for (String what : List.of("added", "running", "done")) {
        AtomicLongArray at = seen.get(id + " " + what);
        boolean mayBeSkipped = what.equals("running");
        long first = Long.MAX_VALUE;
        int origin = -1;
        boolean everywhere = true;
        for (int n = 0; n < nodes.size(); n++) {
          long t = at == null ? 0 : at.get(n);
          if (t == 0) {
            if (mayBeSkipped && done != null && done.get(n) != 0) skipped++;
            else everywhere = false;
          } else if (t < first) {
            first = t;
            origin = n;
          }
        }
        if (!everywhere || origin < 0) {
          if (missing < 5) System.out.println("not on every node: " + id + " " + what);
          missing++;
          continue;
        }
        for (int n = 0; n < nodes.size(); n++) if (n != origin && at.get(n) != 0) delays.add(at.get(n) - first);
      }
    }
    if (skipped > 0) System.out.printf("%d node(s) went from added straight to done for a task (its running state came late)%n", skipped);
    long[] sorted = delays.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length > 0) {
      System.out.printf(Locale.ROOT, "cross-node event latency (first node to show an event -> each other node), %d samples: "
          + "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n", sorted.length, pct(sorted, 50), pct(sorted, 90),
          pct(sorted, 99), sorted[sorted.length - 1] / 1e6);
    }
    if (missing > 0) System.out.printf("%d event(s) did not reach every node within 30 s%n", missing);
    for (int n = 0; n < nodes.size(); n++) {
      System.out.println("claims on " + nodes.get(n) + " meanwhile (light load): "
          + Claims.of(nodes.get(n)).since(claimsBefore.get(n)).describe());
    }
    return missing == 0 && sorted.length > 0;
  }

  private static boolean seenEverywhere(AtomicLongArray at) {
    if (at == null) return false;
    for (int n = 0; n < at.length(); n++) if (at.get(n) == 0) return false;
    return true;
  }

  private static double pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
  }

  // ---------------------------------------------------------------- death

  private static boolean death(List<String> nodes, String victim, long victimPid, String victimNode, int tasks,
      long nodeTimeoutMs) throws Exception {
    String witness = nodes.stream().filter(n -> !n.equals(victim)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("--ports must name a node other than the victim"));
    ProcessHandle process = ProcessHandle.of(victimPid).orElseThrow(() -> new IllegalArgumentException("no process " + victimPid));
    // tasks running on the victim: posted there (a node claims what it accepts first), checked
    List<String> onVictim = new ArrayList<>();
    for (int attempt = 0; onVictim.size() < tasks && attempt < 10 * tasks; attempt++) {
      String id = read(post(victim + "/sleep_task", "{\"sleep_time\": 120, \"semaphore_name\": \"multiple\"}").body())
          .get("task_id").asText();
      JsonNode task = awaitTask(witness, id, t -> t.path("status").asText().equals("running"), 10_000);
      if (task.path("node_id").asText().startsWith(victimNode)) onVictim.add(id);
      else post(witness + "/" + id + "/cancel", "");
    }
    if (onVictim.size() < tasks) throw new IllegalStateException("could not get " + tasks + " task(s) running on " + victimNode);

    long killedAt = System.nanoTime();
    process.destroyForcibly(); // SIGKILL
    AtomicLong lastHandled = new AtomicLong();
    for (String id : onVictim) {
      JsonNode task = awaitTask(witness, id, t -> !t.path("status").asText().equals("running"), nodeTimeoutMs * 4);
      lastHandled.set(System.nanoTime());
      if (!task.path("status").asText().equals("failed") || !task.path("error_type").asText().equals("Interrupted")) {
        System.out.println("not handled as a restart would: " + task);
        return false;
      }
    }
    JsonNode semaphores = read(get(witness + "/semaphores").body());
    System.out.printf(Locale.ROOT, "a node's death (SIGKILL) to its %d running task(s) failed as Interrupted on another node: %d ms "
        + "(cluster.node_timeout_ms %d); running on multiple after: %d%n", onVictim.size(),
        TimeUnit.NANOSECONDS.toMillis(lastHandled.get() - killedAt), nodeTimeoutMs, runningOn(semaphores, "multiple"));
    return true;
  }

  private static int runningOn(JsonNode semaphores, String name) {
    for (JsonNode s : semaphores) if (s.path("name").asText().equals(name)) return s.path("running").asInt();
    return -1;
  }

  private static JsonNode awaitTask(String node, String id, java.util.function.Predicate<JsonNode> wanted, long timeoutMs)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      JsonNode task = read(get(node + "/" + id).body());
      if (wanted.test(task)) return task;
      if (System.nanoTime() > deadline) throw new IllegalStateException("task " + id + " still " + task.path("status"));
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  // ---------------------------------------------------------------- http

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String url, String json) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException("not JSON: " + json, e);
    }
  }
}
