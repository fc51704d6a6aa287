import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * End-to-end benchmark for a running Brinjal server.
 *
 * <p>Run from the repository root, after {@code mvn package}:
 * <pre>
 *   java -cp target/brinjal.jar bench/EndToEndBench.java [options]
 * </pre>
 * or let {@code bench/run-e2e.sh} start a server, run this, and stop the server.
 *
 * <p>Phase 1 (throughput): N NoopTasks, C in flight at once. Each task is POST /noop_task, then
 * GET /{id}/stream read until the terminal event. Reports tasks/s (completed / wall time) and
 * the per-task latency from "POST sent" to "terminal event seen".
 *
 * <p>Phase 2 (progress latency): M ProgressTasks, P at once. Each step of such a task stamps
 * {@code body} with the server's wall clock in epoch microseconds; whenever a body value shows
 * up on the stream for the first time, latency = client epoch micros - body micros (client and
 * server share the machine's clock). The body already present in a stream's first event (the
 * snapshot taken when the stream opens) is not counted: its age is the time between the step and
 * the subscription, not the event delivery time.
 *
 * <p>Everything is bounded: a per-request idle timeout, an overall deadline, and a fixed number
 * of tasks. Errors and non-200 answers are counted and reported, never waited on.
 */
public class EndToEndBench {

  // ------------------------------------------------------------------ options

  static final class Options {
    String host = "127.0.0.1";
    int port = 8123;
    int tasks = 20_000;
    int warmup = 2_000;
    int concurrency = 64;
    int progressTasks = 20;
    int progressConcurrency = 5;
    int steps = 100;
    int intervalMs = 10;
    int timeoutSeconds = 300;
    int requestTimeoutMs = 20_000;
    int clientLoops = 1;
    int maxErrors = 1000;
    long serverPid = -1;
    String samplesFile; // progress field samples, "stamp_epoch_micros latency_micros" per line
    String stallLog; // the client's own event-loop stalls, "end_epoch_millis stall_micros" per line
    boolean skipThroughput;
    boolean skipProgress;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String name = a;
        String value = null;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0) {
          name = a.substring(0, eq);
          value = a.substring(eq + 1);
        }
        switch (name) {
          case "-h", "--help" -> {
            usage();
            System.exit(0);
          }
          case "--skip-throughput" -> o.skipThroughput = true;
          case "--skip-progress" -> o.skipProgress = true;
          default -> {
            if (value == null) {
              if (i + 1 >= args.length) die("option " + name + " needs a value");
              value = args[++i];
            }
            switch (name) {
              case "--host" -> o.host = value;
              case "--port" -> o.port = intArg(name, value, 1, 65535);
              case "--tasks", "-n" -> o.tasks = intArg(name, value, 1, 10_000_000);
              case "--warmup" -> o.warmup = intArg(name, value, 0, 10_000_000);
              case "--concurrency", "-c" -> o.concurrency = intArg(name, value, 1, 10_000);
              case "--progress-tasks" -> o.progressTasks = intArg(name, value, 1, 100_000);
              case "--progress-concurrency" -> o.progressConcurrency = intArg(name, value, 1, 10_000);
              case "--steps" -> o.steps = intArg(name, value, 1, 100);
              case "--interval-ms" -> o.intervalMs = intArg(name, value, 0, 60_000);
              case "--timeout" -> o.timeoutSeconds = intArg(name, value, 1, 86_400);
              case "--request-timeout-ms" -> o.requestTimeoutMs = intArg(name, value, 0, 3_600_000);
              case "--client-loops" -> o.clientLoops = intArg(name, value, 1, 64);
              case "--max-errors" -> o.maxErrors = intArg(name, value, 1, Integer.MAX_VALUE);
              case "--server-pid" -> o.serverPid = intArg(name, value, 1, Integer.MAX_VALUE);
              case "--samples-file" -> o.samplesFile = value;
              case "--stall-log" -> o.stallLog = value;
              default -> die("unknown option " + name + " (try --help)");
            }
          }
        }
      }
      return o;
    }

    static int intArg(String name, String value, int min, int max) {
      try {
        int v = Integer.parseInt(value.trim());
        if (v < min || v > max) die(name + " must be between " + min + " and " + max + ", got " + v);
        return v;
      } catch (NumberFormatException e) {
        die(name + " needs a whole number, got '" + value + "'");
        return 0;
      }
    }

    static void usage() {
      System.out.println("""
          usage: java -cp target/brinjal.jar bench/EndToEndBench.java [options]

            --host H                  server address (default 127.0.0.1)
            --port P                  server port (default 8123)
            --tasks N, -n N           measured NoopTasks (default 20000)
            --warmup W                NoopTasks run first and not measured (default 2000)
            --concurrency C, -c C     NoopTasks in flight at once (default 64)
            --progress-tasks M        ProgressTasks in phase 2 (default 20)
            --progress-concurrency P  ProgressTasks at once (default 5)
            --steps S                 steps per ProgressTask, 1..100 (default 100)
            --interval-ms I           ms between steps (default 10)
            --timeout T               overall time budget in seconds (default 300)
            --request-timeout-ms R    idle timeout of each HTTP exchange, 0 = none (default 20000)
            --client-loops L          client event-loop threads (default 1)
            --max-errors E            give up on a phase after E errors (default 1000)
            --server-pid PID          server process on this machine: report its CPU use per phase
                                      (Linux /proc; bench/run-e2e.sh passes it)
            --samples-file F          write each progress field sample as "stamp_epoch_micros latency_micros"
            --stall-log F             a 1 ms timer on the client's loop; each time it fires over 4 ms late,
                                      write "end_epoch_millis stall_micros" (to line the tail up with stalls)
            --skip-throughput         run phase 2 only
            --skip-progress           run phase 1 only

          exit status: 0 all tasks ok, 1 some errors, 2 overall timeout, 3 server unreachable""");
    }
  }

  static void die(String message) {
    System.err.println("EndToEndBench: " + message);
    System.exit(64);
  }

  // ------------------------------------------------------------------ state

  static final JsonFactory JSON = new JsonFactory();

  final Options opt;
  final Vertx vertx;
  final HttpClientAgent client;
  final Context[] loops;
  final long deadlineNanos;
  final AtomicBoolean stopping = new AtomicBoolean();

  EndToEndBench(Options opt) {
    this.opt = opt;
    this.deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(opt.timeoutSeconds);
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(opt.clientLoops).setWorkerPoolSize(2));
    if (opt.stallLog != null) watchLoopStalls(opt.stallLog);
    int poolSize = Math.max(opt.concurrency, opt.progressConcurrency) + 8;
    this.client = vertx.createHttpClient(
        new HttpClientOptions()
            .setKeepAlive(true)
            .setKeepAliveTimeout(120)
            .setPipelining(false)
            .setTcpNoDelay(true)
            .setConnectTimeout(5_000)
            .setDefaultHost(opt.host)
            .setDefaultPort(opt.port),
        new PoolOptions().setHttp1MaxSize(poolSize));
    this.loops = eventLoopContexts(vertx, opt.clientLoops);
  }

  /** One event-loop context per client loop: a verticle instance each, so they never share a thread. */
  static Context[] eventLoopContexts(Vertx vertx, int count) {
    List<Context> contexts = Collections.synchronizedList(new ArrayList<>());
    try {
      vertx.deployVerticle(() -> new VerticleBase() {
        @Override
        public Future<?> start() {
          contexts.add(context);
          return Future.succeededFuture();
        }
      }, new DeploymentOptions().setInstances(count)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the client event loops", e);
    }
    return contexts.toArray(new Context[0]);
  }

  // ------------------------------------------------------------------ results

  /** One phase's counters. Thread-safe: with several client loops, slots run in parallel. */
  static final class Stats {
    final String name;
    final long[] total; // nanos or micros, see the phase
    final long[] post;
    final AtomicInteger totalCount = new AtomicInteger();
    final AtomicInteger postCount = new AtomicInteger();
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger ok = new AtomicInteger();
    final LongAdder events = new LongAdder();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final List<String> errorSamples = new ArrayList<>();
    long startNanos;
    long endNanos;
    CpuSnapshot cpuStart;
    CpuSnapshot cpuEnd;

    Stats(String name, int capacity, int postCapacity) {
      this.name = name;
      this.total = new long[capacity];
      this.post = new long[postCapacity];
    }

    void addTotal(long v) {
      int i = totalCount.getAndIncrement();
      if (i < total.length) total[i] = v;
    }

    void addPost(long v) {
      int i = postCount.getAndIncrement();
      if (i < post.length) post[i] = v;
    }

    void error(String kind, String detail) {
      errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
      synchronized (errorSamples) {
        if (errorSamples.size() < 5) errorSamples.add(kind + (detail == null ? "" : ": " + detail));
      }
    }

    long errorCount() {
      return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    long[] sortedTotal() {
      long[] a = Arrays.copyOf(total, Math.min(totalCount.get(), total.length));
      Arrays.sort(a);
      return a;
    }

    long[] sortedPost() {
      long[] a = Arrays.copyOf(post, Math.min(postCount.get(), post.length));
      Arrays.sort(a);
      return a;
    }
  }

  /** Nearest-rank percentile of a sorted array. */
  static long pct(long[] sorted, double p) {
    if (sorted.length == 0) return -1;
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }

  static double mean(long[] a) {
    if (a.length == 0) return Double.NaN;
    double s = 0;
    for (long v : a) s += v;
    return s / a.length;
  }

  static String ms(long nanos) {
    return nanos < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }

  static String msFromMicros(long micros) {
    return String.format(Locale.ROOT, "%.3f ms", micros / 1e3);
  }

  static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : " " + (m.length() > 200 ? m.substring(0, 200) : m));
  }

  // ------------------------------------------------------------------ CPU accounting

  /**
   * CPU time used so far by this process, the server process (if its pid is known and /proc is
   * readable) and the whole machine (all processes, from /proc/stat). On a shared machine this
   * shows how much of the CPU went to something other than the client and the server.
   */
  record CpuSnapshot(long clientNanos, long serverNanos, long machineBusyNanos, long machineTotalNanos) {
    static final long TICK_NANOS = 10_000_000L; // USER_HZ is 100 on Linux

    static CpuSnapshot take(long serverPid) {
      long client = -1;
      if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.OperatingSystemMXBean os) {
        client = os.getProcessCpuTime();
      }
      long server = -1;
      if (serverPid > 0) {
        try {
          String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + serverPid + "/stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
          server = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS; // utime + stime
        } catch (IOException | RuntimeException e) {
          server = -1;
        }
      }
      long busy = -1, total = -1;
      try {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat"))) {
          if (!line.startsWith("cpu ")) continue;
          String[] f = line.trim().split("\\s+");
          long sum = 0;
          for (int i = 1; i < f.length && i <= 8; i++) sum += Long.parseLong(f[i]); // up to steal
          long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle + iowait
          busy = (sum - idle) * TICK_NANOS;
          total = sum * TICK_NANOS;
          break;
        }
      } catch (IOException | RuntimeException e) {
        busy = total = -1;
      }
      return new CpuSnapshot(client, server, busy, total);
    }
  }

  static void printCpu(Stats st, long tasks, String unit) {
    CpuSnapshot a = st.cpuStart, b = st.cpuEnd;
    if (a == null || b == null || tasks <= 0) return;
    double wall = (st.endNanos - st.startNanos) / 1e9;
    StringBuilder out = new StringBuilder("CPU in phase:   ");
    double client = a.clientNanos() < 0 ? -1 : (b.clientNanos() - a.clientNanos()) / 1e9;
    double server = a.serverNanos() < 0 || b.serverNanos() < 0 ? -1 : (b.serverNanos() - a.serverNanos()) / 1e9;
    if (client >= 0) out.append(String.format(Locale.ROOT, "client %.2f s (%.0f us/%s)", client, client * 1e6 / Math.max(1, tasks), unit));
    if (server >= 0) out.append(String.format(Locale.ROOT, ", server %.2f s (%.0f us/%s)", server, server * 1e6 / Math.max(1, tasks), unit));
    if (a.machineBusyNanos() >= 0 && b.machineBusyNanos() >= 0) {
      double busy = (b.machineBusyNanos() - a.machineBusyNanos()) / 1e9;
      double total = (b.machineTotalNanos() - a.machineTotalNanos()) / 1e9;
      out.append(String.format(Locale.ROOT, ", machine busy %.2f of %.2f core-s", busy, total));
      if (client >= 0 && server >= 0) {
        out.append(String.format(Locale.ROOT, " (other processes ~%.2f s)", Math.max(0, busy - client - server)));
      }
    }
    out.append(String.format(Locale.ROOT, " over %.2f s wall", wall));
    System.out.println(out);
  }

  // ------------------------------------------------------------------ HTTP helpers

  /** A failure already classified for the error table. */
  static final class BenchFailure extends RuntimeException {
    final String kind;

    BenchFailure(String kind, String detail) {
      super(detail, null, false, false);
      this.kind = kind;
    }
  }

  record Reply(int status, String body) {}

  RequestOptions request(HttpMethod method, String uri) {
    return new RequestOptions()
        .setMethod(method)
        .setHost(opt.host)
        .setPort(opt.port)
        .setURI(uri)
        .setIdleTimeout(opt.requestTimeoutMs > 0 ? opt.requestTimeoutMs : -1);
  }

  /** A small request/response exchange with the whole body read. */
  Future<Reply> exchange(HttpMethod method, String uri, String json) {
    RequestOptions ro = request(method, uri);
    if (json != null) ro.putHeader("Content-Type", "application/json");
    return client.request(ro)
        .compose(req -> json == null ? req.send() : req.send(json))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b.toString(StandardCharsets.UTF_8))));
  }

  /** Receives the data of each SSE event; returns true once it has seen the terminal one. */
  interface EventSink {
    boolean onEvent(String data, long arrivalNanos, long arrivalMicros);
  }

  /**
   * GET /{id}/stream and feed each {@code data:} event to the sink. Completes when the server
   * ends the stream after a terminal event; fails on a non-200, a transport error, an idle
   * timeout, or a stream that ends with no terminal event.
   */
  Future<Void> stream(String taskId, EventSink sink) {
    Promise<Void> done = Promise.promise();
    RequestOptions ro = request(HttpMethod.GET, "/" + taskId + "/stream").putHeader("Accept", "text/event-stream");
    client.request(ro).compose(req -> req.send()).onComplete(ar -> {
      if (ar.failed()) {
        done.tryFail(new BenchFailure("stream: transport", describe(ar.cause())));
        return;
      }
      HttpClientResponse resp = ar.result();
      if (resp.statusCode() != 200) {
        int code = resp.statusCode();
        resp.body().onComplete(b -> done.tryFail(new BenchFailure("stream: HTTP " + code,
            b.succeeded() ? abbreviate(b.result().toString()) : null)));
        return;
      }
      SseParser parser = new SseParser(sink);
      resp.handler(buf -> {
        try {
          parser.feed(buf);
        } catch (RuntimeException e) {
          done.tryFail(new BenchFailure("stream: bad event", describe(e)));
        }
      });
      resp.exceptionHandler(e -> done.tryFail(new BenchFailure("stream: transport", describe(e))));
      resp.endHandler(v -> {
        if (parser.terminalSeen) done.tryComplete();
        else done.tryFail(new BenchFailure("stream: ended before terminal event", null));
      });
    });
    return done.future();
  }

  static String abbreviate(String s) {
    s = s.replace('\n', ' ');
    return s.length() > 160 ? s.substring(0, 160) + "..." : s;
  }

  /** Splits a text/event-stream into events; only {@code data:} lines matter here. */
  static final class SseParser {
    final EventSink sink;
    final StringBuilder pending = new StringBuilder(512);
    boolean terminalSeen;

    SseParser(EventSink sink) {
      this.sink = sink;
    }

    void feed(Buffer buf) {
      long nanos = System.nanoTime(); // stamp on arrival, before any parsing
      long micros = epochMicros();
      if (terminalSeen) return;
      pending.append(buf.toString(StandardCharsets.UTF_8));
      int from = 0;
      while (true) {
        int end = pending.indexOf("\n\n", from);
        if (end < 0) break;
        String block = pending.substring(from, end);
        from = end + 2;
        String data = dataOf(block);
        if (data != null && sink.onEvent(data, nanos, micros)) {
          terminalSeen = true;
          break;
        }
      }
      pending.delete(0, from);
    }

    static String dataOf(String block) {
      StringBuilder data = null;
      for (String line : block.split("\n", -1)) {
        if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
        if (line.isEmpty() || line.charAt(0) == ':') continue; // comment (": keepalive")
        if (line.startsWith("data:")) {
          String v = line.substring(5);
          if (v.startsWith(" ")) v = v.substring(1);
          if (data == null) data = new StringBuilder(v);
          else data.append('\n').append(v);
        }
      }
      return data == null ? null : data.toString();
    }
  }

  /** The top-level fields this benchmark reads from a task JSON. */
  static final class TaskView {
    String taskId;
    String status;
    String body;
    int progress = -1;

    boolean terminal() {
      return "done".equals(status) || "failed".equals(status) || "cancelled".equals(status);
    }

    /** Streams through the JSON and reads top-level scalars only (params/results are skipped). */
    static TaskView parse(String json) {
      TaskView v = new TaskView();
      try (JsonParser p = JSON.createParser(json)) {
        if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("not a JSON object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken t = p.nextToken();
          if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
            continue;
          }
          switch (name) {
            case "task_id" -> v.taskId = t == JsonToken.VALUE_NULL ? null : p.getText();
            case "status" -> v.status = t == JsonToken.VALUE_NULL ? null : p.getText();
            case "body" -> v.body = t == JsonToken.VALUE_NULL ? null : p.getText();
            case "progress" -> v.progress = t.isNumeric() ? p.getIntValue() : -1;
            default -> { }
          }
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("bad JSON: " + e.getMessage());
      }
      return v;
    }
  }

  // ------------------------------------------------------------------ driver

  /** Runs {@code count} tasks with {@code slots} of them in flight; returns when all are done. */
  interface OneTask {
    Future<Void> run(Stats stats);
  }

  /** Returns false if the overall deadline ran out first. */
  boolean drive(Stats stats, int count, int slots, OneTask task) throws InterruptedException {
    AtomicInteger issued = new AtomicInteger();
    int n = Math.min(slots, count);
    CountDownLatch finished = new CountDownLatch(n);
    stats.cpuStart = CpuSnapshot.take(opt.serverPid);
    stats.startNanos = System.nanoTime();
    for (int s = 0; s < n; s++) {
      Context ctx = loops[s % loops.length];
      ctx.runOnContext(v -> nextTask(ctx, stats, count, issued, finished, task));
    }
    long wait = deadlineNanos - System.nanoTime();
    boolean allDone = wait > 0 && finished.await(wait, TimeUnit.NANOSECONDS);
    stats.endNanos = System.nanoTime();
    stats.cpuEnd = CpuSnapshot.take(opt.serverPid);
    if (!allDone) stopping.set(true);
    return allDone;
  }

  void nextTask(Context ctx, Stats stats, int count, AtomicInteger issued, CountDownLatch finished, OneTask task) {
    if (stopping.get() || System.nanoTime() - deadlineNanos > 0 || stats.errorCount() >= opt.maxErrors
        || issued.getAndIncrement() >= count) {
      finished.countDown();
      return;
    }
    stats.started.incrementAndGet();
    Future<Void> f;
    try {
      f = task.run(stats);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.succeeded()) stats.ok.incrementAndGet();
      else if (ar.cause() instanceof BenchFailure bf) stats.error(bf.kind, bf.getMessage());
      else stats.error("unexpected", describe(ar.cause()));
      // hop instead of recursing: a run of instant failures must not grow the stack
      ctx.runOnContext(v -> nextTask(ctx, stats, count, issued, finished, task));
    });
  }

  /** POST a task and return its id, or fail with a classified error. */
  Future<String> submit(String route, String json, Stats stats, long t0) {
    return exchange(HttpMethod.POST, route, json).transform(ar -> {
      if (ar.failed()) return Future.failedFuture(new BenchFailure("post: transport", describe(ar.cause())));
      Reply r = ar.result();
      if (r.status() != 200) {
        return Future.failedFuture(new BenchFailure("post: HTTP " + r.status(), abbreviate(r.body())));
      }
      String id;
      try {
        id = TaskView.parse(r.body()).taskId;
      } catch (RuntimeException e) {
        id = null;
      }
      if (id == null || id.isEmpty()) {
        return Future.failedFuture(new BenchFailure("post: no task_id", abbreviate(r.body())));
      }
      if (stats != null) stats.addPost(System.nanoTime() - t0);
      return Future.succeededFuture(id);
    });
  }

  // ------------------------------------------------------------------ phase 1

  Future<Void> noopTask(Stats stats) {
    long t0 = System.nanoTime();
    return submit("/noop_task", null, stats, t0).compose(id -> {
      long[] terminalAt = {0};
      String[] finalStatus = {null};
      return stream(id, (data, nanos, micros) -> {
        stats.events.increment();
        TaskView v = TaskView.parse(data);
        if (!v.terminal()) return false;
        terminalAt[0] = nanos;
        finalStatus[0] = v.status;
        return true;
      }).compose(v -> {
        if (!"done".equals(finalStatus[0])) {
          return Future.failedFuture(new BenchFailure("task ended " + finalStatus[0], id));
        }
        stats.addTotal(terminalAt[0] - t0);
        return Future.succeededFuture();
      });
    });
  }

  boolean throughputPhase() throws InterruptedException {
    System.out.println();
    System.out.println("== Phase 1: throughput (NoopTask, POST + stream to terminal event) ==");
    if (opt.warmup > 0) {
      Stats warm = new Stats("warm-up", opt.warmup, opt.warmup);
      boolean ok = drive(warm, opt.warmup, opt.concurrency, this::noopTask);
      double secs = (warm.endNanos - warm.startNanos) / 1e9;
      System.out.printf(Locale.ROOT, "warm-up: %d tasks ok, %d errors in %.2f s (%.0f tasks/s)%n",
          warm.ok.get(), warm.errorCount(), secs, warm.ok.get() / secs);
      printErrors(warm);
      if (!ok) {
        System.out.println("warm-up: OVERALL TIMEOUT");
        return false;
      }
    }
    Stats st = new Stats("throughput", opt.tasks, opt.tasks);
    boolean ok = drive(st, opt.tasks, opt.concurrency, this::noopTask);
    double secs = (st.endNanos - st.startNanos) / 1e9;
    long[] total = st.sortedTotal();
    long[] post = st.sortedPost();
    System.out.printf(Locale.ROOT, "tasks:          %d requested, %d started, %d done ok, %d errors%s%n",
        opt.tasks, st.started.get(), st.ok.get(), st.errorCount(), ok ? "" : "  ** OVERALL TIMEOUT: "
            + (st.started.get() - st.ok.get() - st.errorCount()) + " still in flight **");
    System.out.printf(Locale.ROOT, "wall time:      %.3f s%n", secs);
    System.out.printf(Locale.ROOT, "THROUGHPUT:     %.0f tasks/s end to end (ok tasks / wall time)%n", st.ok.get() / secs);
    System.out.printf(Locale.ROOT, "SSE events:     %d (%.2f per task)%n", st.events.sum(),
        st.events.sum() / (double) Math.max(1, st.ok.get() + st.errorCount()));
    System.out.printf(Locale.ROOT, "latency POST sent -> terminal event (n=%d): p50 %s  p90 %s  p99 %s  max %s  mean %s%n",
        total.length, ms(pct(total, 50)), ms(pct(total, 90)), ms(pct(total, 99)), ms(pct(total, 100)),
        ms((long) mean(total)));
    System.out.printf(Locale.ROOT, "  of which POST round trip  (n=%d): p50 %s  p90 %s  p99 %s  max %s%n",
        post.length, ms(pct(post, 50)), ms(pct(post, 90)), ms(pct(post, 99)), ms(pct(post, 100)));
    printCpu(st, st.ok.get() + st.errorCount(), "task");
    printErrors(st);
    lastThroughput = st;
    return ok;
  }

  Stats lastThroughput;
  Stats lastProgress;

  // ------------------------------------------------------------------ phase 2

  final LongAdder snapshotBodies = new LongAdder();
  final LongAdder stepsUnseen = new LongAdder();
  final LongAdder negativeSamples = new LongAdder();
  /**
   * Step stamped -> the step's progress value seen (a step sets its body, then its progress), as
   * {stamp, latency} in µs: the stamp lines the tail up with GC, safepoint and stall logs.
   */
  final java.util.concurrent.ConcurrentLinkedQueue<long[]> progressFieldSamples = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /**
   * A 1 ms timer on the client's event loop that logs each time it fires more than 4 ms late: the
   * client's own share of a latency tail (or, when the server logs the same moments, the machine's).
   */
  void watchLoopStalls(String file) {
    java.io.PrintWriter out;
    try {
      out = new java.io.PrintWriter(new java.io.FileWriter(file, java.nio.charset.StandardCharsets.UTF_8), true);
    } catch (java.io.IOException e) {
      System.out.println("could not write " + file + ": " + e);
      return;
    }
    long[] last = {System.nanoTime()};
    vertx.setPeriodic(1, t -> {
      long now = System.nanoTime();
      long lateMicros = (now - last[0]) / 1000 - 1000;
      last[0] = now;
      if (lateMicros > 4000) out.println(System.currentTimeMillis() + " " + lateMicros);
    });
  }

  Future<Void> progressTask(Stats stats) {
    String json = "{\"steps\":" + opt.steps + ",\"interval_ms\":" + opt.intervalMs + "}";
    return submit("/progress_task", json, null, 0).compose(id -> {
      Set<String> seen = new HashSet<>();
      Set<Integer> progressSeen = new HashSet<>();
      boolean[] first = {true};
      TaskView[] last = {null};
      return stream(id, (data, nanos, micros) -> {
        stats.events.increment();
        TaskView v = TaskView.parse(data);
        last[0] = v;
        if (v.progress > 0 && progressSeen.add(v.progress) && !first[0] && v.body != null && !v.terminal()) {
          long stamp = Long.parseLong(v.body.trim());
          progressFieldSamples.add(new long[] {stamp, micros - stamp});
        }
        if (v.body != null && seen.add(v.body)) {
          if (first[0]) {
            snapshotBodies.increment(); // set before we subscribed: not a delivery latency
          } else {
            long sample = micros - Long.parseLong(v.body.trim());
            if (sample < 0) negativeSamples.increment();
            stats.addTotal(sample);
          }
        }
        first[0] = false;
        return v.terminal();
      }).compose(v -> {
        TaskView end = last[0];
        stepsUnseen.add(Math.max(0, opt.steps - seen.size()));
        if (end == null || !"done".equals(end.status)) {
          return Future.failedFuture(new BenchFailure("task ended " + (end == null ? null : end.status), id));
        }
        if (end.progress != opt.steps) {
          return Future.failedFuture(new BenchFailure("final progress " + end.progress + " != " + opt.steps, id));
        }
        return Future.succeededFuture();
      });
    });
  }

  boolean progressPhase() throws InterruptedException {
    System.out.println();
    System.out.println("== Phase 2: progress-event latency (ProgressTask, body = server epoch micros) ==");
    Stats st = new Stats("progress", opt.progressTasks * opt.steps + 16, 0);
    boolean ok = drive(st, opt.progressTasks, opt.progressConcurrency, this::progressTask);
    double secs = (st.endNanos - st.startNanos) / 1e9;
    long[] lat = st.sortedTotal();
    System.out.printf(Locale.ROOT, "tasks:          %d requested, %d started, %d done ok, %d errors in %.2f s%s%n",
        opt.progressTasks, st.started.get(), st.ok.get(), st.errorCount(), secs, ok ? "" : "  ** OVERALL TIMEOUT: "
            + (st.started.get() - st.ok.get() - st.errorCount()) + " still in flight **");
    System.out.printf(Locale.ROOT, "SSE events:     %d; steps never seen (coalesced): %d of %d; snapshot bodies skipped: %d%n",
        st.events.sum(), stepsUnseen.sum(), (long) st.ok.get() * opt.steps, snapshotBodies.sum());
    System.out.printf(Locale.ROOT, "PROGRESS LATENCY step stamped -> event seen (samples=%d): p50 %s  p90 %s  p99 %s  max %s  mean %s%n",
        lat.length, lat.length == 0 ? "n/a" : msFromMicros(pct(lat, 50)), lat.length == 0 ? "n/a" : msFromMicros(pct(lat, 90)),
        lat.length == 0 ? "n/a" : msFromMicros(pct(lat, 99)), lat.length == 0 ? "n/a" : msFromMicros(pct(lat, 100)),
        lat.length == 0 ? "n/a" : msFromMicros((long) mean(lat)));
    long[] field = progressFieldSamples.stream().mapToLong(sample -> sample[1]).sorted().toArray();
    if (opt.samplesFile != null) {
      try (java.io.PrintWriter out = new java.io.PrintWriter(opt.samplesFile, java.nio.charset.StandardCharsets.UTF_8)) {
        for (long[] sample : progressFieldSamples) out.println(sample[0] + " " + sample[1]);
      } catch (java.io.IOException e) {
        System.out.println("could not write " + opt.samplesFile + ": " + e);
      }
    }
    if (field.length > 0) {
      System.out.printf(Locale.ROOT, "PROGRESS FIELD LATENCY step stamped -> its progress seen (samples=%d): p50 %s  p95 %s  "
          + "p99 %s  max %s%n", field.length, msFromMicros(pct(field, 50)), msFromMicros(pct(field, 95)),
          msFromMicros(pct(field, 99)), msFromMicros(pct(field, 100)));
    }
    if (lat.length > 0) {
      long[] edges = {500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000};
      StringBuilder h = new StringBuilder("  distribution:");
      int from = 0;
      for (long edge : edges) {
        int to = from;
        while (to < lat.length && lat[to] <= edge) to++;
        h.append(String.format(Locale.ROOT, "  <=%sms %d", edge % 1000 == 0 ? String.valueOf(edge / 1000) : String.valueOf(edge / 1000.0), to - from));
        from = to;
      }
      h.append(String.format(Locale.ROOT, "  >50ms %d", lat.length - from));
      int over5 = 0;
      for (long v : lat) if (v > 5_000) over5++;
      h.append(String.format(Locale.ROOT, "   (%.2f%% of samples over 5 ms)", 100.0 * over5 / lat.length));
      System.out.println(h);
    }
    if (negativeSamples.sum() > 0) {
      System.out.printf("note: %d samples were negative (clock step?)%n", negativeSamples.sum());
    }
    printCpu(st, st.events.sum(), "event");
    printErrors(st);
    lastProgress = st;
    return ok;
  }

  void printErrors(Stats st) {
    if (st.errors.isEmpty()) return;
    if (st.errorCount() >= opt.maxErrors) {
      System.out.println("** phase given up after " + st.errorCount() + " errors (--max-errors " + opt.maxErrors + ") **");
    }
    System.out.println("errors (" + st.name + "):");
    new TreeMap<>(st.errors).forEach((k, v) -> System.out.printf("  %6d  %s%n", v.sum(), k));
    synchronized (st.errorSamples) {
      for (String s : st.errorSamples) System.out.println("  e.g. " + s);
    }
  }

  // ------------------------------------------------------------------ main

  boolean preflight() {
    try {
      Reply r = exchange(HttpMethod.GET, "/task_types", null)
          .timeout(10, TimeUnit.SECONDS)
          .toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
      if (r.status() != 200) {
        System.err.println("server answered GET /task_types with HTTP " + r.status());
        return false;
      }
      boolean ok = true;
      for (String route : List.of("noop_task", "progress_task")) {
        if (!r.body().contains("\"" + route + "\"")) {
          System.err.println("server has no /" + route + " task type");
          ok = false;
        }
      }
      return ok;
    } catch (Exception e) {
      System.err.println("cannot reach http://" + opt.host + ":" + opt.port + "/ : " + describe(e));
      return false;
    }
  }

  public static void main(String[] args) throws Exception {
    Options opt = Options.parse(args);
    System.out.println("Brinjal end-to-end benchmark");
    System.out.printf(Locale.ROOT, "server:   http://%s:%d%n", opt.host, opt.port);
    System.out.printf(Locale.ROOT, "options:  tasks=%d warmup=%d concurrency=%d | progress-tasks=%d progress-concurrency=%d steps=%d interval-ms=%d%n",
        opt.tasks, opt.warmup, opt.concurrency, opt.progressTasks, opt.progressConcurrency, opt.steps, opt.intervalMs);
    System.out.printf(Locale.ROOT, "          timeout=%ds request-timeout-ms=%d client-loops=%d%s%s%s%n",
        opt.timeoutSeconds, opt.requestTimeoutMs, opt.clientLoops, opt.serverPid > 0 ? " server-pid=" + opt.serverPid : "",
        opt.skipThroughput ? " skip-throughput" : "", opt.skipProgress ? " skip-progress" : "");
    System.out.printf(Locale.ROOT, "client:   Java %s, %d CPUs visible%n",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());

    // Hard stop: whatever happens, the process ends shortly after the overall budget.
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(opt.timeoutSeconds) + 20_000);
        System.err.println("EndToEndBench: watchdog: overall timeout exceeded, exiting");
        Runtime.getRuntime().halt(2);
      } catch (InterruptedException ignored) {
        // normal exit
      }
    }, "bench-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    EndToEndBench bench = new EndToEndBench(opt);
    int exit = 0;
    try {
      if (!bench.preflight()) {
        exit = 3;
      } else {
        boolean inTime = true;
        if (!opt.skipThroughput) inTime = bench.throughputPhase();
        if (inTime && !opt.skipProgress) inTime = bench.progressPhase();
        long errors = (bench.lastThroughput == null ? 0 : bench.lastThroughput.errorCount())
            + (bench.lastProgress == null ? 0 : bench.lastProgress.errorCount());
        System.out.println();
        if (!inTime) {
          System.out.println("RESULT: overall timeout of " + opt.timeoutSeconds + " s reached; figures above are partial");
          exit = 2;
        } else if (errors > 0) {
          System.out.println("RESULT: finished with " + errors + " errors");
          exit = 1;
        } else {
          System.out.println("RESULT: finished, no errors");
        }
      }
    } finally {
      bench.stopping.set(true);
      try {
        bench.client.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // closing is best effort
      }
      try {
        bench.vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // closing is best effort
      }
    }
    System.out.flush();
    System.exit(exit);
  }
}
