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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the store adds to a request, against a running server (bench/run-store.sh runs it once
 * per store type):
 *
 * <ul>
 *   <li>POST latency: {@code POST /noop_task} answered (the task is stored) at C requests in flight;
 *   <li>POST → running: a {@code noop_task} posted every 2 ms (well within what the server
 *       takes, so nothing queues), from "POST sent" to its {@code running} event on a queue stream
 *       with task updates (stored as running before its run() starts);
 *   <li>the store's own meters from {@code /metrics}: commits, operations per commit, commit time.
 * </ul>
 *
 * <pre>
 *   java -cp target/brinjal.jar bench/StoreBench.java --port 8123 [--posts 20000] [--concurrency 32]
 *       [--warmup 20000] [--running 2000]
 * </pre>
 */
public class StoreBench {
  private static final Pattern TASK_ID = Pattern.compile("\"task_id\":\"([^\"]+)\"");

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>(Map.of("host", "127.0.0.1", "port", "8123", "posts", "20000",
        "concurrency", "32", "warmup", "20000", "running", "2000", "server-pid", "-1"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      String key = args[i].replaceFirst("^--", "");
      if (!opt.containsKey(key)) {
        System.err.println("unknown option " + args[i] + "; known: " + opt.keySet());
        System.exit(64);
      }
      opt.put(key, args[i + 1]);
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(opt.get("host"))
        .setDefaultPort(Integer.parseInt(opt.get("port"))).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(256));
    int concurrency = Integer.parseInt(opt.get("concurrency"));

    int warmup = Integer.parseInt(opt.get("warmup"));
    if (warmup > 0) postMany(client, warmup, concurrency);
    long[] post = postMany(client, Integer.parseInt(opt.get("posts")), concurrency);
    System.out.printf(Locale.ROOT, "POST /noop_task answered (stored), %d in flight: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d posts)%n",
        concurrency, pct(post, 50), pct(post, 99), post[post.length - 1] / 1e6, post.length);

    // POST -> running must not wait behind tasks still queued from the phase above
    while (!client.request(HttpMethod.GET, "/queue?status=queued,running,cancelling&limit=1")
        .compose(r -> r.send().compose(resp -> resp.body())).await(1, TimeUnit.MINUTES).toString().equals("[]")) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
    // the queue stream below starts with a snapshot of every stored task: clear the finished ones first
    String deleted = client.request(HttpMethod.DELETE, "/completed").compose(r -> r.send().compose(resp -> resp.body()))
        .await(5, TimeUnit.MINUTES).toString();
    if (!deleted.contains("deleted_count")) throw new IllegalStateException("DELETE /completed answered " + deleted);
    long[] running = postToRunning(vertx, client, opt.get("host"), Integer.parseInt(opt.get("port")),
        Integer.parseInt(opt.get("running")));
    System.out.printf(Locale.ROOT, "POST sent -> running event: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d tasks, one every 2 ms)%n",
        pct(running, 50), pct(running, 99), running[running.length - 1] / 1e6, running.length);

    String metrics = client.request(HttpMethod.GET, "/metrics").compose(r -> r.send().compose(resp -> resp.body()))
        .await(30, TimeUnit.SECONDS).toString();
    double commits = metric(metrics, "brinjal_store_commit_batch_operations_count");
    if (commits > 0) {
      double ops = metric(metrics, "brinjal_store_commit_batch_operations_sum");
      double seconds = metric(metrics, "brinjal_store_commit_seconds_sum");
      System.out.printf(Locale.ROOT, "group commit: %.0f commits, %.0f operations, %.1f operations per commit on average"
              + " (largest %.0f), commit time mean %.3f ms (max %.1f ms)%n", commits, ops, ops / commits,
          metric(metrics, "brinjal_store_commit_batch_operations_max"), seconds / commits * 1000,
          metric(metrics, "brinjal_store_commit_seconds_max") * 1000);
      System.out.println("commit time histogram (cumulative): " + buckets(metrics, "brinjal_store_commit_seconds_bucket"));
      System.out.println("operations per commit (cumulative): " + buckets(metrics, "brinjal_store_commit_batch_operations_bucket"));
    } else {
      System.out.println("group commit: no store meters (a memory store)");
    }
    vertx.close().await();
  }

  /** Posts {@code n} no-op tasks, {@code concurrency} at a time; answers each POST's latency, sorted. */
  private static long[] postMany(HttpClientAgent client, int n, int concurrency) throws Exception {
    long[] latency = new long[n];
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) lanes.add(postLoop(client, next, latency));
    Future.all(lanes).await(10, TimeUnit.MINUTES);
    Arrays.sort(latency);
    return latency;
  }

  private static Future<Void> postLoop(HttpClientAgent client, AtomicInteger next, long[] latency) {
    int i = next.getAndIncrement();
    if (i >= latency.length) return Future.succeededFuture();
    long sent = System.nanoTime();
    // nested, so body() is asked for on the event loop as the response arrives (chained from the
    // main thread, the body could go by before anyone asks for it, and the call never answers)
    return client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/noop_task"))
        .compose(req -> req.send().compose(r -> r.body().map(b -> {
          if (r.statusCode() != 200) throw new IllegalStateException("POST answered " + r.statusCode() + ": " + b);
          latency[i] = System.nanoTime() - sent;
          return null;
        })))
        .compose(v -> postLoop(client, next, latency));
  }

  /** No-op tasks at a steady pace; the time from each POST sent to its running event on the queue stream. */
  private static long[] postToRunning(Vertx vertx, HttpClientAgent client, String host, int port, int n) throws Exception {
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Map<String, Long> runningAt = new ConcurrentHashMap<>();
    Map<String, Long> earlyRunning = new ConcurrentHashMap<>(); // events can beat the POST's answer
    StringBuilder pending = new StringBuilder();
    int[] scanned = {0}; // where the search for the end of a frame resumes (the snapshot is one long frame)
    // a raw socket for the stream: bytes are scanned as they arrive, nothing in between buffers them
    vertx.createNetClient().connect(port, host).compose(socket -> {
      socket.handler(chunk -> {
        long now = System.nanoTime();
        pending.append(chunk.toString(java.nio.charset.StandardCharsets.UTF_8));
        int end;
        while ((end = pending.indexOf("\n\n", scanned[0])) >= 0) {
          String frame = pending.substring(0, end);
          pending.delete(0, end + 2);
          scanned[0] = 0;
          if (!frame.contains("\"status\":\"running\"") || frame.contains("\"type\":")) continue;
          Matcher m = TASK_ID.matcher(frame);
          if (m.find()) earlyRunning.putIfAbsent(m.group(1), now);
        }
        scanned[0] = Math.max(0, pending.length() - 1);
      });
      return socket.write("GET /queue/stream?task_updates=true HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    }).await(30, TimeUnit.SECONDS);
    TimeUnit.MILLISECONDS.sleep(500); // let the snapshot go by first: its size is not what this measures
    // posted from a timer on the client's event loop: a request made from another thread can
    // wait in the client before it is even sent, and that wait is not the server's
    AtomicInteger posted = new AtomicInteger();
    io.vertx.core.Promise<Void> allPosted = io.vertx.core.Promise.promise();
    vertx.setPeriodic(2, timer -> {
      if (posted.getAndIncrement() >= n) {
        vertx.cancelTimer(timer);
        allPosted.tryComplete();
        return;
      }
      long sent = System.nanoTime();
      client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/noop_task"))
          .compose(r -> r.send())
          .compose(r -> r.body())
          .onSuccess(b -> {
            Matcher m = TASK_ID.matcher(b.toString());
            if (m.find()) sentAt.put(m.group(1), sent);
          });
    });
    allPosted.future().await(10, TimeUnit.MINUTES);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      sentAt.forEach((id, sent) -> {
        Long at = earlyRunning.get(id);
        if (at != null) runningAt.put(id, at - sent);
      });
      if (runningAt.size() >= n) break;
      TimeUnit.MILLISECONDS.sleep(50);
    }
    long[] out = runningAt.values().stream().mapToLong(Long::longValue).sorted().toArray();
    if (out.length < n) System.out.printf("(%d of %d tasks' running events seen)%n", out.length, n);
    if (out.length == 0) throw new IllegalStateException("no running event seen on the queue stream");
    return out;
  }

  private static double pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
  }

  private static double metric(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(2)) : 0;
  }

  private static String buckets(String text, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{le=\"([^\"]+)\"\\} ([0-9.eE+-]+)$").matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) out.append(m.group(1)).append(':').append((long) Double.parseDouble(m.group(2))).append(' ');
    return out.toString().trim();
  }
}
