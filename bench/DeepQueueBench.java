import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deep queue: DEPTH tasks waiting on {@code single} behind one that holds it, and what requests
 * cost as the queue grows and once it is deep. The probe saw submits fall from 2,606/s to
 * 1,370/s at 60,000 waiting and 20 concurrent full listings take the server to 3.5 GB RSS.
 *
 * <pre>
 *   BENCH_PROGRAM=bench/DeepQueueBench.java bash bench/run-e2e.sh [--depth 60000] [--listings 20]
 * </pre>
 */
public class DeepQueueBench {
  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>(Map.of("host", "127.0.0.1", "port", "8123", "depth", "60000",
        "listings", "20", "concurrency", "32", "server-pid", "-1"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      String key = args[i].replaceFirst("^--", "");
      if (!opt.containsKey(key)) {
        System.err.println("unknown option " + args[i] + "; known: " + opt.keySet());
        System.exit(64);
      }
      opt.put(key, args[i + 1]);
    }
    int depth = Integer.parseInt(opt.get("depth"));
    long pid = Long.parseLong(opt.get("server-pid"));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(opt.get("host"))
        .setDefaultPort(Integer.parseInt(opt.get("port"))).setKeepAlive(true).setMaxChunkSize(65536),
        new PoolOptions().setHttp1MaxSize(64));

    String blocker = id(send(client, HttpMethod.POST, "/sleep_task", "{\"sleep_time\": 3600, \"semaphore_name\": \"single\"}"));
    System.out.printf("server RSS before: %s; one sleep task holds single (%s)%n", rss(pid), blocker);
    int step = Math.max(1, depth / 6);
    String last = null;
    for (int from = 0; from < depth; from += step) {
      int n = Math.min(step, depth - from);
      long start = System.nanoTime();
      last = submit(client, n, Integer.parseInt(opt.get("concurrency")));
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "submits while %,d to %,d wait: %,.0f tasks/s%n", from, from + n, n / seconds);
    }
    System.out.printf("server RSS with %,d waiting: %s%n", depth, rss(pid));

    String lastInLine = last;
    long[] one = repeat(200, () -> send(client, HttpMethod.GET, "/" + lastInLine, null));
    System.out.printf(Locale.ROOT, "GET /{id} of the last in line (position %,d): p50 %.2f ms, p99 %.2f ms%n", depth,
        pct(one, 50), pct(one, 99));
    long[] page = repeat(100, () -> send(client, HttpMethod.GET, "/queue?status=queued&limit=100", null));
    System.out.printf(Locale.ROOT, "GET /queue?status=queued&limit=100: p50 %.2f ms, p99 %.2f ms%n", pct(page, 50), pct(page, 99));

    long start = System.nanoTime();
    Buffer all = body(client, "/queue");
    System.out.printf(Locale.ROOT, "GET /queue (everything, %,d bytes): %.0f ms; server RSS after: %s%n", all.length(),
        (System.nanoTime() - start) / 1e6, rss(pid));

    int listings = Integer.parseInt(opt.get("listings"));
    AtomicLong peakRss = new AtomicLong();
    AtomicInteger done = new AtomicInteger();
    long timer = pid < 0 ? -1 : vertx.setPeriodic(100, t -> peakRss.accumulateAndGet(rssKb(pid), Math::max));
    List<Long> live = new ArrayList<>();
    start = System.nanoTime();
    List<Future<Buffer>> concurrent = new ArrayList<>();
    for (int i = 0; i < listings; i++) concurrent.add(bodyAsync(client, "/queue").andThen(ar -> done.incrementAndGet()));
    while (done.get() < listings) {
      long probe = System.nanoTime();
      send(client, HttpMethod.GET, "/health/live", null);
      live.add(System.nanoTime() - probe);
      TimeUnit.MILLISECONDS.sleep(100);
    }
    Future.all(concurrent).await(10, TimeUnit.MINUTES);
    if (timer != -1) vertx.cancelTimer(timer);
    long[] liveSorted = live.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(Locale.ROOT, "%d concurrent GET /queue: all answered in %.1f s; server RSS peak %s;"
            + " /health/live meanwhile p50 %.1f ms, max %.1f ms (%d probes)%n", listings, (System.nanoTime() - start) / 1e9,
        pid < 0 ? "?" : peakRss.get() / 1024 + " MB", pct(liveSorted, 50), liveSorted[liveSorted.length - 1] / 1e6,
        liveSorted.length);
    vertx.close().await();
  }

  private interface Call {
    void run() throws Exception;
  }

  private static long[] repeat(int n, Call call) throws Exception {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      call.run();
      out[i] = System.nanoTime() - start;
    }
    Arrays.sort(out);
    return out;
  }

  /** Posts n sleep tasks on single; answers the id of one posted last. */
  private static String submit(HttpClientAgent client, int n, int concurrency) throws Exception {
    AtomicInteger next = new AtomicInteger();
    String[] last = new String[1];
    List<Future<Void>> lanes = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) lanes.add(postLoop(client, next, n, last));
    Future.all(lanes).await(10, TimeUnit.MINUTES);
    return last[0];
  }

  private static Future<Void> postLoop(HttpClientAgent client, AtomicInteger next, int n, String[] last) {
    if (next.getAndIncrement() >= n) return Future.succeededFuture();
    return client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/sleep_task")
            .putHeader("Content-Type", "application/json"))
        // nested: body() asked for on the event loop as the response arrives
        .compose(req -> req.send(Buffer.buffer("{\"sleep_time\": 0, \"semaphore_name\": \"single\"}"))
            .compose(r -> r.body().map(b -> {
              if (r.statusCode() != 200) throw new IllegalStateException("POST answered " + r.statusCode() + ": " + b);
              last[0] = id(b.toString());
              return null;
            })))
        .compose(v -> postLoop(client, next, n, last));
  }

  private static String send(HttpClientAgent client, HttpMethod method, String uri, String json) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri);
    if (json != null) options.putHeader("Content-Type", "application/json");
    return client.request(options).compose(r -> (json == null ? r.send() : r.send(json)).compose(resp -> resp.body()))
        .await(5, TimeUnit.MINUTES).toString();
  }

  private static Buffer body(HttpClientAgent client, String uri) throws Exception {
    return bodyAsync(client, uri).await(10, TimeUnit.MINUTES);
  }

  private static Future<Buffer> bodyAsync(HttpClientAgent client, String uri) {
    return client.request(HttpMethod.GET, uri).compose(r -> r.send().compose(resp -> resp.body()));
  }

  private static String id(String json) {
    int at = json.indexOf("\"task_id\":\"");
    if (at < 0) throw new IllegalStateException("no task_id in " + json);
    return json.substring(at + 11, json.indexOf('"', at + 11));
  }

  private static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (Exception e) {
      // not on Linux, or the process is gone
    }
    return 0;
  }

  private static String rss(long pid) {
    return pid < 0 ? "?" : rssKb(pid) / 1024 + " MB";
  }

  private static double pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
  }
}
