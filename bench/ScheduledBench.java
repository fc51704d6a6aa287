import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * What scheduled tasks cost, against a running server (bench/run-scheduled.sh runs it):
 *
 * <ul>
 *   <li>dispatch delay: {@code --due} no-op tasks posted with {@code Brinjal-Run-At} spread over
 *       {@code --spread-ms}, starting a few seconds ahead; for each, {@code started_at} (the
 *       server's own clock, when it got its permit) minus the {@code run_at} asked for;
 *   <li>at rest: {@code --rest} tasks scheduled a day ahead; the server's heap after a full GC
 *       before and after, and its CPU over {@code --idle-s} seconds of rest with them stored.
 * </ul>
 *
 * Exits non-zero if a task did not run, ran before its time, or a POST was refused.
 *
 * <pre>
 *   java -cp target/brinjal.jar bench/ScheduledBench.java --port 8123 --server-pid PID [--due 2000]
 *       [--spread-ms 4000] [--lead-ms 3000] [--rest 100000] [--idle-s 10] [--concurrency 32]
 * </pre>
 */
public class ScheduledBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>(Map.of("host", "127.0.0.1", "port", "8123", "due", "2000",
        "spread-ms", "4000", "lead-ms", "3000", "rest", "100000", "idle-s", "10", "concurrency", "32",
        "server-pid", "-1"));
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
        .setDefaultPort(Integer.parseInt(opt.get("port"))).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64));
    int concurrency = Integer.parseInt(opt.get("concurrency"));
    long pid = Long.parseLong(opt.get("server-pid"));
    int status = 0;

    // ---- dispatch delay after run_at
    int due = Integer.parseInt(opt.get("due"));
    if (due > 0) {
      long spread = Long.parseLong(opt.get("spread-ms"));
      Instant first = Instant.now().plusMillis(Long.parseLong(opt.get("lead-ms")));
      Map<String, Instant> asked = new ConcurrentHashMap<>();
      post(client, due, concurrency, i -> {
        Instant at = first.plusMillis(spread * i / Math.max(1, due - 1));
        return Map.of("Brinjal-Run-At", at.toString());
      }, (i, id) -> asked.put(id, first.plusMillis(spread * i / Math.max(1, due - 1))));
      long posted = System.currentTimeMillis();
      System.out.printf(Locale.ROOT, "posted %d tasks to run from %s over %d ms (posting ended %d ms before the first)%n",
          due, first, spread, first.toEpochMilli() - posted);
      Instant last = first.plusMillis(spread);
      Thread.sleep(Math.max(0, last.toEpochMilli() - System.currentTimeMillis()));
      long[] delays = new long[due];
      int seen = 0;
      long deadline = System.currentTimeMillis() + 60_000;
      while (true) {
        JsonNode done = JSON.readTree(get(client, "/queue?status=done,failed,cancelled"));
        seen = 0;
        for (JsonNode t : done) {
          Instant at = asked.get(t.get("task_id").asText());
          if (at == null) continue;
          delays[seen++] = Instant.parse(t.get("started_at").asText()).toEpochMilli() - at.toEpochMilli();
        }
        if (seen == due || System.currentTimeMillis() > deadline) break;
        Thread.sleep(200);
      }
      if (seen != due) {
        System.out.printf("ERROR: only %d of %d scheduled tasks ran%n", seen, due);
        status = 1;
      }
      long[] d = Arrays.copyOf(delays, seen);
      Arrays.sort(d);
      if (seen > 0 && d[0] < 0) {
        System.out.printf("ERROR: a task started %d ms before its run_at%n", -d[0]);
        status = 1;
      }
      if (seen > 0) {
        System.out.printf(Locale.ROOT, "DISPATCH delay after run_at (started_at - run_at, ms, %d tasks): p50 %d  p90 %d  p99 %d  max %d%n",
            seen, pct(d, 50), pct(d, 90), pct(d, 99), d[d.length - 1]);
      }
    }

    // ---- at rest
    int rest = Integer.parseInt(opt.get("rest"));
    if (rest > 0) {
      long heapBefore = heapAfterGc(client, pid);
      long start = System.nanoTime();
      post(client, rest, concurrency, i -> Map.of("Brinjal-Delay", "86400"), (i, id) -> {});
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "posted %d tasks scheduled a day ahead in %.1f s (%.0f/s)%n", rest, seconds, rest / seconds);
      long heapAfter = heapAfterGc(client, pid);
      if (heapBefore >= 0 && heapAfter >= 0) {
        System.out.printf(Locale.ROOT, "REST heap after a full GC: %.1f MiB before, %.1f MiB with %d scheduled (%.0f bytes per task)%n",
            heapBefore / 1048576.0, heapAfter / 1048576.0, rest, (heapAfter - heapBefore) / (double) rest);
      }
      int idle = Integer.parseInt(opt.get("idle-s"));
      long cpu0 = cpuTicks(pid);
      Thread.sleep(idle * 1000L);
      long cpu1 = cpuTicks(pid);
      if (cpu0 >= 0) {
        System.out.printf(Locale.ROOT, "REST server CPU over %d s with %d scheduled: %.2f %% of one core%n", idle, rest,
            (cpu1 - cpu0) * 10.0 / idle); // 100 ticks a second
      }
      JsonNode counts = JSON.readTree(get(client, "/queue?status=scheduled&limit=1"));
      if (counts.size() != 1) {
        System.out.println("ERROR: no task is scheduled");
        status = 1;
      }
    }
    vertx.close();
    System.exit(status);
  }

  interface Posted {
    void accept(int index, String taskId);
  }

  /** Posts {@code n} no-op tasks with the headers {@code headers.apply(i)}, {@code concurrency} at a time. */
  private static void post(HttpClientAgent client, int n, int concurrency, IntFunction<Map<String, String>> headers,
      Posted posted) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) lanes.add(postLoop(client, next, n, headers, posted));
    Future.all(lanes).await(30, TimeUnit.MINUTES);
  }

  private static Future<Void> postLoop(HttpClientAgent client, AtomicInteger next, int n,
      IntFunction<Map<String, String>> headers, Posted posted) {
    int i = next.getAndIncrement();
    if (i >= n) return Future.succeededFuture();
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setURI("/noop_task");
    headers.apply(i).forEach(request::putHeader);
    return client.request(request)
        .compose(req -> req.send().compose(r -> r.body().map(b -> {
          if (r.statusCode() != 200) throw new IllegalStateException("POST answered " + r.statusCode() + ": " + b);
          String body = b.toString();
          int at = body.indexOf("\"task_id\":\"") + 11;
          posted.accept(i, body.substring(at, body.indexOf('"', at)));
          return null;
        })))
        .compose(v -> postLoop(client, next, n, headers, posted));
  }

  private static String get(HttpClientAgent client, String uri) throws Exception {
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(uri))
        .compose(req -> req.send().compose(r -> r.body().map(Buffer::toString)))
        .await(2, TimeUnit.MINUTES);
  }

  /** The server's used heap after a full GC (jcmd), from its /metrics; -1 without a pid. */
  private static long heapAfterGc(HttpClientAgent client, long pid) throws Exception {
    if (pid <= 0) return -1;
    for (int i = 0; i < 2; i++) {
      Process gc = new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true).start();
      gc.getInputStream().readAllBytes();
      gc.waitFor();
    }
    double used = 0;
    for (String line : get(client, "/metrics").split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        used += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return (long) used;
  }

  /** utime + stime of the process, in clock ticks; -1 if unknown. */
  private static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (Exception e) {
      return -1;
    }
  }

  private static long pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
