import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load and faults against a running Brinjal: N tasks submitted in bursts over C connections
 * while other clients keep opening and dropping streams. Reports accepted vs refused (429),
 * whether every accepted task reached a terminal state (none lost), the peak concurrency of
 * each semaphore, and (with --pid) the server's heap after pruning.
 *
 *   java -cp target/brinjal.jar bench/LoadFaultBench.java --port 8125 --tasks 100000
 */
public class LoadFaultBench {
  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>(Map.of("host", "127.0.0.1", "port", "8125", "tasks", "100000",
        "connections", "64", "burst", "2000", "churn", "16", "pid", ""));
    for (int i = 0; i + 1 < args.length; i += 2) opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    String host = opt.get("host");
    int port = Integer.parseInt(opt.get("port"));
    int total = Integer.parseInt(opt.get("tasks"));
    int connections = Integer.parseInt(opt.get("connections"));
    int burst = Integer.parseInt(opt.get("burst"));
    System.out.printf("load-and-fault: %d tasks in bursts of %d over %d connections, %d streams churning%n",
        total, burst, connections, Integer.parseInt(opt.get("churn")));

    Vertx vertx = Vertx.vertx();
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(connections));
    HttpClient streams = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port)
        .setKeepAlive(false), new PoolOptions().setHttp1MaxSize(1000));

    AtomicBoolean churning = new AtomicBoolean(true);
    AtomicInteger streamsOpened = new AtomicInteger();
    AtomicInteger streamErrors = new AtomicInteger();
    Set<String> accepted = Collections.synchronizedSet(new HashSet<>());
    List<String> recent = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < Integer.parseInt(opt.get("churn")); i++) {
      churn(vertx, streams, churning, streamsOpened, streamErrors, recent);
    }

    AtomicInteger refused = new AtomicInteger();
    AtomicInteger otherErrors = new AtomicInteger();
    long start = System.nanoTime();
    for (int sent = 0; sent < total; sent += burst) {
      List<Future<Void>> inFlight = new ArrayList<>();
      for (int i = 0; i < Math.min(burst, total - sent); i++) {
        String[] kind = pick();
        inFlight.add(send(http, HttpMethod.POST, "/" + kind[0], kind[1]).map(r -> {
          if (r.status == 200) {
            String id = new JsonObject(r.body).getString("task_id");
            accepted.add(id);
            if (ThreadLocalRandom.current().nextInt(50) == 0) recent.add(id);
          }
          else if (r.status == 429) refused.incrementAndGet();
          else otherErrors.incrementAndGet();
          return null;
        }).recover(e -> {
          otherErrors.incrementAndGet();
          return Future.succeededFuture();
        }).mapEmpty());
      }
      Future.join(inFlight).await(120, TimeUnit.SECONDS);
    }
    double submitSeconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("submitted in %.1f s: accepted %d, refused (429) %d, other errors %d%n",
        submitSeconds, accepted.size(), refused.get(), otherErrors.get());

    // wait until nothing is queued or running (bounded)
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    JsonArray semaphores;
    while (true) {
      semaphores = new JsonArray(send(http, HttpMethod.GET, "/semaphores", null).await(30, TimeUnit.SECONDS).body);
      int busy = 0;
      for (int i = 0; i < semaphores.size(); i++) {
        busy += semaphores.getJsonObject(i).getInteger("running") + semaphores.getJsonObject(i).getInteger("waiting");
      }
      if (busy == 0 || System.nanoTime() > deadline) break;
      Thread.sleep(200);
    }
    churning.set(false);
    System.out.printf("all work finished %.1f s after the start; streams opened and dropped: %d (errors %d)%n",
        (System.nanoTime() - start) / 1e9, streamsOpened.get(), streamErrors.get());

    JsonArray queue = new JsonArray(send(http, HttpMethod.GET, "/queue", null).await(60, TimeUnit.SECONDS).body);
    Map<String, String> listed = new HashMap<>();
    for (int i = 0; i < queue.size(); i++) listed.put(queue.getJsonObject(i).getString("task_id"), queue.getJsonObject(i).getString("status"));
    Map<String, Integer> byStatus = new HashMap<>();
    int lost = 0;
    for (String id : accepted) {
      String status = listed.get(id);
      if (status == null) lost++;
      else byStatus.merge(status, 1, Integer::sum);
    }
    System.out.printf("accepted tasks by final status: %s; lost (accepted but not listed): %d%n", byStatus, lost);
    List<String> problems = new ArrayList<>();
    if (lost > 0) problems.add(lost + " accepted task(s) lost");
    if (otherErrors.get() > 0) problems.add(otherErrors.get() + " submission error(s) other than 429");
    if (streamErrors.get() > 0) problems.add(streamErrors.get() + " stream error(s)");
    for (int i = 0; i < semaphores.size(); i++) {
      JsonObject s = semaphores.getJsonObject(i);
      System.out.printf("semaphore %-8s limit %2d  peak running %2d%n", s.getString("name"), s.getInteger("limit"), s.getInteger("peak_running"));
      if (s.getInteger("peak_running") > s.getInteger("limit")) problems.add("semaphore " + s.getString("name") + " ran above its limit");
    }
    System.out.println("DELETE /completed: " + send(http, HttpMethod.DELETE, "/completed", null).await(60, TimeUnit.SECONDS).body.replaceAll(",\"failed_task_ids\".*", "}"));
    if (!opt.get("pid").isEmpty()) System.out.println("server heap after pruning: " + heap(opt.get("pid")));
    vertx.close().await();
    System.out.println(problems.isEmpty() ? "no problems" : "PROBLEMS: " + String.join("; ", problems));
    System.exit(problems.isEmpty() ? 0 : 1);
  }

  private static final String[][] KINDS = {
      {"noop_task", null}, {"noop_task", null}, {"noop_task", null}, {"noop_task", null}, {"noop_task", null},
      {"sleep_task", "{\"sleep_time\":0.002,\"semaphore_name\":\"default\"}"},
      {"sleep_task", "{\"sleep_time\":0.001,\"semaphore_name\":\"single\"}"},
      {"sleep_task", "{\"sleep_time\":0.005,\"semaphore_name\":\"multiple\"}"}};

  private static String[] pick() {
    return KINDS[ThreadLocalRandom.current().nextInt(KINDS.length)];
  }

  record Reply(int status, String body) {}

  private static Future<Reply> send(HttpClient http, HttpMethod method, String path, String body) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path);
    if (body != null) options.putHeader("Content-Type", "application/json");
    return http.request(options).compose(req -> (body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b.toString()))));
  }

  /**
   * Opens a stream, reads a little, drops it, and again, until told to stop: mostly task
   * streams of tasks just accepted, one in ten the queue stream (whose first event lists every
   * task the server holds, so it costs in proportion to the store).
   */
  private static void churn(Vertx vertx, HttpClient streams, AtomicBoolean on, AtomicInteger opened,
      AtomicInteger errors, List<String> recent) {
    if (!on.get()) return;
    String path = "/queue/stream";
    synchronized (recent) {
      if (!recent.isEmpty() && ThreadLocalRandom.current().nextInt(10) > 0) {
        path = "/" + recent.get(ThreadLocalRandom.current().nextInt(recent.size())) + "/stream";
      }
    }
    streams.request(HttpMethod.GET, path).compose(req -> req.send().map(resp -> {
      opened.incrementAndGet();
      resp.handler(b -> {});
      vertx.setTimer(50 + ThreadLocalRandom.current().nextInt(200), t -> req.connection().close());
      return resp;
    })).onComplete(ar -> {
      if (ar.failed()) errors.incrementAndGet();
      vertx.setTimer(ar.failed() ? 500 : 300, t -> churn(vertx, streams, on, opened, errors, recent));
    });
  }

  private static String heap(String pid) throws Exception {
    new ProcessBuilder("jcmd", pid, "GC.run").redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
    Process p = new ProcessBuilder("jcmd", pid, "GC.heap_info").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    for (String line : out.split("\n")) if (line.contains("used")) return line.trim();
    return out.trim();
  }
}
