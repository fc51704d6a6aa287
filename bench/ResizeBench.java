import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code PATCH /semaphores/{name}} (issue 14): how soon a grown limit is filled, and what a
 * change costs while tasks flow. Prints numbers; asserts nothing.
 *
 * <ol>
 *   <li><b>grow</b>: {@code --waiting} long sleep tasks on {@code multiple} (limit 10, so 10 run);
 *       the limit goes to {@code --grow}; the time from sending the PATCH to its answer, and to
 *       {@code running} = the new limit in {@code GET /semaphores} (polled every millisecond).
 *       Then the limit goes back to 10 and the sleepers are deleted.
 *   <li><b>under load</b>: {@code --tasks} short sleep tasks on {@code multiple} created with
 *       {@code --concurrency} requests in flight, once without and once with a PATCH every
 *       {@code --every} ms alternating the limit between 2 and 10; tasks per second with the limit
 *       steady at 10, steady at 2, and alternating, and the PATCH round trips.
 * </ol>
 *
 * <pre>
 *   mvn -q -B package -DskipTests
 *   BENCH_PROGRAM=bench/ResizeBench.java bash bench/run-e2e.sh [--waiting 500 --grow 400 --tasks 5000]
 * </pre>
 */
public class ResizeBench {
  private static final Pattern RUNNING = Pattern.compile("\"name\":\"multiple\",\"limit\":(\\d+),\"configured_limit\":\\d+,\"running\":(\\d+),\"waiting\":(\\d+)");

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>(Map.of("host", "127.0.0.1", "port", "8123", "waiting", "500", "grow", "400",
        "tasks", "5000", "concurrency", "32", "every", "50", "sleep", "0.002", "server-pid", "-1"));
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

    // ---- grow: how soon the new permits are taken
    int waiting = Integer.parseInt(opt.get("waiting"));
    int grow = Integer.parseInt(opt.get("grow"));
    for (int round = 1; round <= 3; round++) {
      List<String> sleepers = new ArrayList<>();
      for (int i = 0; i < waiting; i++) {
        sleepers.add(id(send(client, HttpMethod.POST, "/sleep_task", "{\"sleep_time\": 3600, \"semaphore_name\": \"multiple\"}")));
      }
      awaitRunning(client, 10);
      long sent = System.nanoTime();
      send(client, HttpMethod.PATCH, "/semaphores/multiple", "{\"limit\": " + grow + "}");
      long answered = System.nanoTime();
      awaitRunning(client, grow);
      long filled = System.nanoTime();
      System.out.printf(Locale.ROOT, "grow round %d: limit 10 -> %d with %d waiting: PATCH answered in %.1f ms, "
          + "all %d running %.1f ms after it was sent%n", round, grow, waiting, (answered - sent) / 1e6, grow,
          (filled - sent) / 1e6);
      send(client, HttpMethod.PATCH, "/semaphores/multiple", "{\"limit\": 10}");
      for (String id : sleepers) send(client, HttpMethod.DELETE, "/" + id, null);
      awaitRunning(client, 0);
    }

    // ---- under load: throughput with and without changes every few ms
    int tasks = Integer.parseInt(opt.get("tasks"));
    int concurrency = Integer.parseInt(opt.get("concurrency"));
    String body = "{\"sleep_time\": " + opt.get("sleep") + ", \"semaphore_name\": \"multiple\"}";
    for (String mode : List.of("warm-up", "steady limit 10", "steady limit 2", "limit 2 <-> 10 every " + opt.get("every") + " ms")) {
      boolean resizing = mode.startsWith("limit");
      send(client, HttpMethod.PATCH, "/semaphores/multiple", "{\"limit\": " + (mode.endsWith(" 2") ? 2 : 10) + "}");
      List<Long> patches = new ArrayList<>();
      AtomicInteger flips = new AtomicInteger();
      long timer = !resizing ? -1 : vertx.setPeriodic(Long.parseLong(opt.get("every")), t -> {
        long start = System.nanoTime();
        int limit = flips.getAndIncrement() % 2 == 0 ? 2 : 10;
        sendAsync(client, HttpMethod.PATCH, "/semaphores/multiple", "{\"limit\": " + limit + "}")
            .onSuccess(b -> {
              synchronized (patches) {
                patches.add(System.nanoTime() - start);
              }
            });
      });
      long start = System.nanoTime();
      List<String> ids = submit(client, tasks, concurrency, body);
      awaitWaiting(client);
      double seconds = (System.nanoTime() - start) / 1e9;
      if (timer != -1) vertx.cancelTimer(timer);
      Thread.sleep(200);
      send(client, HttpMethod.PATCH, "/semaphores/multiple", "{\"limit\": 10}");
      System.out.printf(Locale.ROOT, "%s: %,d sleep tasks (%s s) created and run in %.2f s: %,.0f tasks/s", mode, tasks,
          opt.get("sleep"), seconds, tasks / seconds);
      if (resizing) {
        long[] sorted;
        synchronized (patches) {
          sorted = patches.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        System.out.printf(Locale.ROOT, "; %d PATCHes meanwhile, round trip p50 %.2f ms, p99 %.2f ms, max %.2f ms",
            sorted.length, pct(sorted, 50), pct(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
      }
      System.out.println();
      if (ids.size() != tasks) throw new IllegalStateException("created " + ids.size());
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static void awaitRunning(HttpClientAgent client, int running) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      Matcher m = RUNNING.matcher(send(client, HttpMethod.GET, "/semaphores", null));
      if (m.find() && Integer.parseInt(m.group(2)) == running) return;
      Thread.sleep(1);
    }
    throw new IllegalStateException("multiple never had " + running + " running");
  }

  private static void awaitWaiting(HttpClientAgent client) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      Matcher m = RUNNING.matcher(send(client, HttpMethod.GET, "/semaphores", null));
      if (m.find() && m.group(2).equals("0") && m.group(3).equals("0")) return;
      Thread.sleep(5);
    }
    throw new IllegalStateException("multiple never emptied");
  }

  private static List<String> submit(HttpClientAgent client, int n, int concurrency, String body) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Future<Void>> loops = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) loops.add(postLoop(client, next, n, body, ids));
    Future.all(loops).await(600, TimeUnit.SECONDS);
    return ids;
  }

  private static Future<Void> postLoop(HttpClientAgent client, AtomicInteger next, int n, String body, List<String> ids) {
    if (next.getAndIncrement() >= n) return Future.succeededFuture();
    return sendAsync(client, HttpMethod.POST, "/sleep_task", body).compose(answer -> {
      ids.add(id(answer));
      return postLoop(client, next, n, body, ids);
    });
  }

  private static String send(HttpClientAgent client, HttpMethod method, String uri, String json) throws Exception {
    return sendAsync(client, method, uri, json).await(60, TimeUnit.SECONDS);
  }

  private static Future<String> sendAsync(HttpClientAgent client, HttpMethod method, String uri, String json) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri);
    if (json != null) options.putHeader("Content-Type", "application/json");
    return client.request(options).compose(req -> (json == null ? req.send() : req.send(Buffer.buffer(json)))
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() != 200) throw new IllegalStateException(method + " " + uri + ": " + resp.statusCode() + " " + b);
          return b.toString();
        })));
  }

  private static String id(String json) {
    int at = json.indexOf("\"task_id\":\"") + 11;
    return json.substring(at, json.indexOf('"', at));
  }

  private static double pct(long[] sorted, int p) {
    if (sorted.length == 0) return 0;
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}
