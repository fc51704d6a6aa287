import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-key limits and round-robin turns (issue 14): what they cost per task, and how soon a late
 * key starts behind a big one. Prints numbers; asserts nothing (it exits non-zero only if the
 * server misbehaves).
 *
 * <ol>
 *   <li><b>scheduling cost</b>: {@code --tasks} no-op sleep tasks wait on {@code multiple} (held
 *       at limit 1 by a sleeper), then the limit goes to 10 and the sleeper is deleted; the time
 *       until all have run, per task. Once with no keys and no per-key limit (plain), once with
 *       the tasks spread over {@code --keys} keys and {@code per_key} 2 (every claim then looks
 *       for tasks that fit, and keys take turns).
 *   <li><b>fairness</b>: key "big" fills {@code multiple} (limit 10, per_key 10, so the cap never
 *       helps) with {@code --big} tasks of {@code --sleep} s; once they run, one task of key
 *       "late" is created: the time from its creation to its start. Then the same with the late
 *       task created without a key (it waits by arrival, behind all of big's).
 * </ol>
 *
 * <pre>
 *   mvn -q -B package -DskipTests
 *   BENCH_PROGRAM=bench/KeysBench.java bash bench/run-e2e.sh [--tasks 10000 --keys 1000 --big 10000]
 * </pre>
 */
public class KeysBench {
  private static final Pattern MULTIPLE = Pattern.compile(
      "\"name\":\"multiple\",\"limit\":(\\d+),\"configured_limit\":\\d+,\"running\":(\\d+),\"waiting\":(\\d+)");

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>(Map.of("host", "127.0.0.1", "port", "8123", "tasks", "10000", "keys", "1000",
        "big", "10000", "sleep", "0.01", "concurrency", "32", "rounds", "3", "server-pid", "-1"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      String key = args[i].replaceFirst("^--", "");
      if (!opt.containsKey(key)) {
        System.err.println("unknown option " + args[i] + "; known: " + opt.keySet());
        System.exit(64);
      }
      opt.put(key, args[i + 1]);
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(opt.get("host"))
        .setDefaultPort(Integer.parseInt(opt.get("port"))).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64));
    int tasks = Integer.parseInt(opt.get("tasks"));
    int keys = Integer.parseInt(opt.get("keys"));
    int concurrency = Integer.parseInt(opt.get("concurrency"));

    // ---- scheduling cost: drain a full line, plain and keyed
    for (int round = 0; round <= Integer.parseInt(opt.get("rounds")); round++) {
      double plain = drain(client, tasks, concurrency, 0, 0);
      double keyed = drain(client, tasks, concurrency, keys, 2);
      if (round == 0) continue; // warm-up
      System.out.printf(Locale.ROOT, "round %d: %,d waiting no-op tasks drained: plain %.1f µs/task (%,.0f tasks/s); "
          + "%,d keys with per_key 2 %.1f µs/task (%,.0f tasks/s): %.2fx%n", round, tasks, plain, 1e6 / plain, keys,
          keyed, 1e6 / keyed, keyed / plain);
    }

    // ---- fairness: a late key behind a big one
    int big = Integer.parseInt(opt.get("big"));
    String sleep = opt.get("sleep");
    for (boolean lateHasKey : new boolean[] {true, false}) {
      send(client, HttpMethod.PATCH, "/semaphores/multiple", "{\"limit\": 10, \"per_key\": 10}");
      submit(client, big, concurrency, i -> "{\"sleep_time\": " + sleep + ", \"semaphore_name\": \"multiple\", "
          + "\"concurrency_key\": \"big\"}");
      awaitRunning(client, 10);
      String late = id(send(client, HttpMethod.POST, "/sleep_task", "{\"sleep_time\": 0, \"semaphore_name\": "
          + "\"multiple\", \"concurrency_key\": \"" + (lateHasKey ? "late" : "") + "\"}"));
      String task = awaitStarted(client, late);
      Duration waited = Duration.between(instant(task, "created_at"), instant(task, "started_at"));
      Matcher m = MULTIPLE.matcher(send(client, HttpMethod.GET, "/semaphores", null));
      int stillWaiting = m.find() ? Integer.parseInt(m.group(3)) : -1;
      System.out.printf(Locale.ROOT, "fairness: %,d tasks of key big (%s s each, limit 10); one task %s started %.1f ms "
          + "after it was created, with %,d of big's still waiting%n", big, sleep,
          lateHasKey ? "of key late" : "without a key", waited.toNanos() / 1e6, stillWaiting);
      deleteWaiting(client);
    }
    send(client, HttpMethod.PATCH, "/semaphores/multiple", "{\"limit\": 10, \"per_key\": 0}");
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Microseconds per task to run a line of {@code n} waiting no-op tasks once the permits come free. */
  private static double drain(HttpClientAgent client, int n, int concurrency, int keys, int perKey) throws Exception {
    send(client, HttpMethod.PATCH, "/semaphores/multiple", "{\"limit\": 1, \"per_key\": " + perKey + "}");
    String holder = id(send(client, HttpMethod.POST, "/sleep_task", "{\"sleep_time\": 3600, \"semaphore_name\": \"multiple\"}"));
    awaitRunning(client, 1);
    submit(client, n, concurrency, i -> "{\"sleep_time\": 0, \"semaphore_name\": \"multiple\""
        + (keys > 0 ? ", \"concurrency_key\": \"k" + (i % keys) + "\"" : "") + "}");
    long start = System.nanoTime();
    send(client, HttpMethod.PATCH, "/semaphores/multiple", "{\"limit\": 10}");
    send(client, HttpMethod.DELETE, "/" + holder, null);
    awaitEmpty(client);
    return (System.nanoTime() - start) / 1e3 / n;
  }

  private static void awaitRunning(HttpClientAgent client, int running) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      Matcher m = MULTIPLE.matcher(send(client, HttpMethod.GET, "/semaphores", null));
      if (m.find() && Integer.parseInt(m.group(2)) == running) return;
      Thread.sleep(1);
    }
    throw new IllegalStateException("multiple never had " + running + " running");
  }

  private static void awaitEmpty(HttpClientAgent client) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
    while (System.nanoTime() < deadline) {
      Matcher m = MULTIPLE.matcher(send(client, HttpMethod.GET, "/semaphores", null));
      if (m.find() && m.group(2).equals("0") && m.group(3).equals("0")) return;
      Thread.sleep(2);
    }
    throw new IllegalStateException("multiple never emptied");
  }

  private static String awaitStarted(HttpClientAgent client, String id) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
    while (System.nanoTime() < deadline) {
      String task = send(client, HttpMethod.GET, "/" + id, null);
      if (!task.contains("\"started_at\":null")) return task;
      Thread.sleep(2);
    }
    throw new IllegalStateException("task " + id + " never started");
  }

  /** Deletes what still waits or runs on multiple, through GET /queue?status=… pages. */
  private static void deleteWaiting(HttpClientAgent client) throws Exception {
    for (String status : List.of("queued", "running")) {
      while (true) {
        String page = send(client, HttpMethod.GET, "/queue?status=" + status + "&limit=500", null);
        Matcher m = Pattern.compile("\"task_id\":\"([^\"]+)\"").matcher(page);
        List<String> ids = new ArrayList<>();
        while (m.find()) ids.add(m.group(1));
        if (ids.isEmpty()) break;
        for (String id : ids) sendAsync(client, HttpMethod.DELETE, "/" + id, null, true).await(60, TimeUnit.SECONDS);
      }
    }
    awaitEmpty(client);
  }

  private static void submit(HttpClientAgent client, int n, int concurrency,
      java.util.function.IntFunction<String> body) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> loops = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) loops.add(postLoop(client, next, n, body));
    Future.all(loops).await(600, TimeUnit.SECONDS);
  }

  private static Future<Void> postLoop(HttpClientAgent client, AtomicInteger next, int n,
      java.util.function.IntFunction<String> body) {
    int i = next.getAndIncrement();
    if (i >= n) return Future.succeededFuture();
    return sendAsync(client, HttpMethod.POST, "/sleep_task", body.apply(i), false)
        .compose(answer -> postLoop(client, next, n, body));
  }

  private static String send(HttpClientAgent client, HttpMethod method, String uri, String json) throws Exception {
    return sendAsync(client, method, uri, json, false).await(60, TimeUnit.SECONDS);
  }

  /** {@code gone}: a 404 is fine too (a task that ended before its delete). */
  private static Future<String> sendAsync(HttpClientAgent client, HttpMethod method, String uri, String json,
      boolean gone) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri);
    if (json != null) options.putHeader("Content-Type", "application/json");
    return client.request(options).compose(req -> (json == null ? req.send() : req.send(Buffer.buffer(json)))
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() != 200 && !(gone && resp.statusCode() == 404)) {
            throw new IllegalStateException(method + " " + uri + ": " + resp.statusCode() + " " + b);
          }
          return b.toString();
        })));
  }

  private static String id(String json) {
    int at = json.indexOf("\"task_id\":\"") + 11;
    return json.substring(at, json.indexOf('"', at));
  }

  private static Instant instant(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\":\"([^\"]+)\"").matcher(json);
    if (!m.find()) throw new IllegalStateException("no " + field + " in " + json);
    return Instant.parse(m.group(1));
  }
}
