import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stream fan-out against a running Brinjal (loopback only):
 *
 * <ol>
 *   <li>S SSE subscribers of {@code /queue/stream}: time until every one has its first
 *       {@code queue_updated} event;</li>
 *   <li>server heap per idle subscriber ({@code jcmd GC.run} + {@code GC.heap_info} before and
 *       after, needs {@code --pid});</li>
 *   <li>N NoopTasks POSTed one at a time (at most one per {@code --interval-ms}, and never before the
 *       previous answer): delay from just before each POST to each subscriber's
 *       matching {@code task_added} (p50/p99/max over S*N samples, missing deliveries);</li>
 *   <li>W WebSocket clients, each subscribed to K long SleepTasks: connect+subscribe time, and the
 *       delay from POSTing a cancel to every subscribed client's {@code cancelled} event; then
 *       every remaining task is cancelled.</li>
 * </ol>
 *
 * With {@code --pid} it also counts live stream objects in the server ({@code jcmd
 * GC.class_histogram}: hubs, event-bus consumers, contexts) and reads per-thread CPU from
 * /proc; if the server has {@code GET /metrics}, its open-stream and event-bus handler gauges
 * are printed too. Between phases 3 and 4 it waits (bounded) until the server has released the
 * closed SSE streams.
 *
 * Every wait is bounded; a watchdog ends the program after {@code --max-seconds}. Exit code 0
 * when no error was seen, 1 otherwise, 3 on the watchdog.
 *
 * <pre>
 *   java -Xmx1g -cp target/brinjal.jar bench/StreamFanoutBench.java --port 8124 --pid 12345
 * </pre>
 */
public class StreamFanoutBench {
  static final Map<String, String> OPT = new LinkedHashMap<>();

  static {
    OPT.put("host", "127.0.0.1");
    OPT.put("port", "8124");
    OPT.put("pid", "");
    OPT.put("subscribers", "10000");
    OPT.put("connect-window", "500");      // SSE/WS connects in flight at once
    OPT.put("client-loops", "2");          // Vert.x instances (one event loop each) for subscribers
    OPT.put("connect-timeout-s", "180");   // whole SSE connect phase
    OPT.put("tasks", "100");               // NoopTasks POSTed in phase 3
    OPT.put("interval-ms", "20");          // least time between two POST starts (each also waits for the last answer)
    OPT.put("settle-s", "20");             // wait for late deliveries after the last POST
    OPT.put("ws-clients", "1000");
    OPT.put("ws-tasks", "100");            // SleepTasks created on "multiple"
    OPT.put("ws-per-client", "10");
    OPT.put("ws-cancels", "50");           // cancels measured (the rest are cancelled afterwards)
    OPT.put("cancel-interval-ms", "50");
    OPT.put("sleep-time", "600");          // seconds; long enough to outlive the phase
    OPT.put("max-seconds", "900");         // watchdog for the whole run
  }

  static final ConcurrentLinkedQueue<String> ERRORS = new ConcurrentLinkedQueue<>();
  static final AtomicLong ERROR_COUNT = new AtomicLong();

  static void error(String what) {
    if (ERROR_COUNT.incrementAndGet() <= 50) ERRORS.add(what);
  }

  static String host;
  static int port;
  static String pid;
  static HttpClient ctl; // control requests (POST, GET), on its own event loop

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i++) {
      String k = args[i].replaceFirst("^--", "");
      if (!OPT.containsKey(k) || i + 1 >= args.length) {
        System.err.println("unknown option or missing value: " + args[i] + "\noptions (defaults): " + OPT);
        System.exit(2);
      }
      OPT.put(k, args[++i]);
    }
    host = OPT.get("host");
    if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
      System.err.println("refusing a non-loopback host: " + host);
      System.exit(2);
    }
    port = integer("port");
    pid = OPT.get("pid");
    long maxSeconds = integer("max-seconds");
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(maxSeconds));
        System.out.println("WATCHDOG: the run took more than " + maxSeconds + " s; errors so far: " + ERROR_COUNT.get());
        ERRORS.forEach(e -> System.out.println("  error: " + e));
        System.out.flush();
        Runtime.getRuntime().halt(3);
      } catch (InterruptedException done) {
        // finished in time
      }
    }, "watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    System.out.printf(Locale.ROOT, "stream fan-out bench against http://%s:%d, options %s%n", host, port, OPT);
    System.out.printf(Locale.ROOT, "client: %d cores, java %s, bench pid %d%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), ProcessHandle.current().pid());

    int loops = integer("client-loops");
    Vertx control = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    ctl = control.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(8));
    Vertx[] vx = new Vertx[loops];
    for (int i = 0; i < loops; i++) vx[i] = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));

    int status = 0;
    try {
      String q = send(HttpMethod.GET, "/queue", null).body;
      System.out.printf("server answers GET /queue: %d tasks held%n", new JsonArray(q).size());
      sse(vx);
      webSockets(vx);
    } catch (Throwable t) {
      error("aborted: " + t);
      t.printStackTrace(System.out);
    } finally {
      System.out.println();
      if (ERROR_COUNT.get() > 0) {
        status = 1;
        System.out.println("ERRORS: " + ERROR_COUNT.get() + " (first " + ERRORS.size() + " listed)");
        ERRORS.forEach(e -> System.out.println("  error: " + e));
      } else {
        System.out.println("no errors");
      }
      for (Vertx v : vx) v.close().await(20, TimeUnit.SECONDS);
      control.close().await(20, TimeUnit.SECONDS);
    }
    System.out.flush();
    System.exit(status);
  }

  // ================================================================ SSE: phases 1-3

  /** One SSE subscriber; touched only on its Vert.x instance's (single) event loop. */
  static final class Sub {
    final int index;
    final long[] arrivals; // by NoopTask index: nanoTime the matching task_added was read, 0 if not yet
    final StringBuilder pending = new StringBuilder();
    Map<String, Long> early; // task_added whose id the bench had not registered yet
    HttpConnection connection;
    long started;
    long firstAt;
    boolean settled; // first event received, or failed
    boolean failed;

    Sub(int index, int tasks) {
      this.index = index;
      this.arrivals = new long[tasks];
    }
  }

  static final ConcurrentHashMap<String, Integer> NOOP_INDEX = new ConcurrentHashMap<>();
  static final AtomicLong ADDED_SEEN = new AtomicLong();
  static final AtomicLong REMOVED_SEEN = new AtomicLong();
  static final AtomicLong DUPLICATES = new AtomicLong();
  static final AtomicInteger SSE_READY = new AtomicInteger();
  static final AtomicInteger SSE_FAILED = new AtomicInteger();
  static final AtomicInteger SSE_DROPPED = new AtomicInteger(); // closed after the first event

  static void sse(Vertx[] vx) throws Exception {
    int s = integer("subscribers");
    int tasks = integer("tasks");
    int window = integer("connect-window");
    HttpClient[] clients = new HttpClient[vx.length];
    for (int i = 0; i < vx.length; i++) {
      clients[i] = vx[i].createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port)
          .setConnectTimeout(30_000), new PoolOptions().setHttp1MaxSize(s + 16));
    }
    Semaphore inFlight = new Semaphore(window);
    // one request per client first: its one-off start-up (about a second) is not a subscriber's cost
    for (HttpClient c : clients) {
      c.request(HttpMethod.GET, "/semaphores").compose(req -> req.send()).compose(resp -> resp.body()).await(30, TimeUnit.SECONDS);
    }

    System.out.printf("%n== phase 2a: server heap before any subscriber%n");
    Heap before = heap();
    CpuSample cpu0 = CpuSample.take();

    System.out.printf("%n== phase 1: %d SSE subscribers of /queue/stream (%d connects in flight, %d client event loops)%n",
        s, window, vx.length);
    Sub[] subs = new Sub[s];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(integer("connect-timeout-s"));
    long start = System.nanoTime();
    int started = 0;
    for (int i = 0; i < s; i++) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !inFlight.tryAcquire(left, TimeUnit.NANOSECONDS)) {
        error("SSE connect phase: time is up after starting " + i + " of " + s);
        break;
      }
      Sub sub = new Sub(i, tasks);
      subs[i] = sub;
      connectSse(clients[i % clients.length], sub, inFlight);
      started++;
    }
    while (SSE_READY.get() + SSE_FAILED.get() < started && System.nanoTime() < deadline) Thread.sleep(5);
    long connectNanos = System.nanoTime() - start;
    int ready = SSE_READY.get();
    if (ready < s) error("SSE: only " + ready + " of " + s + " subscribers got their first event (" + SSE_FAILED.get() + " failed)");
    long[] perConnect = new long[ready];
    int n = 0;
    for (int i = 0; i < started; i++) {
      Sub sub = subs[i];
      synchronized (sub) {
        if (sub.firstAt != 0 && n < perConnect.length) perConnect[n++] = sub.firstAt - sub.started;
      }
    }
    System.out.printf(Locale.ROOT, "connected: %d of %d in %.2f s (%.0f connections/s); failed %d%n",
        ready, s, connectNanos / 1e9, ready / (connectNanos / 1e9), SSE_FAILED.get());
    System.out.printf(Locale.ROOT, "per subscriber, request start -> first queue_updated: %s%n",
        pct(Arrays.copyOf(perConnect, n)));
    CpuSample cpu1 = CpuSample.take();
    CpuSample.report("phase 1 (connect)", cpu0, cpu1, connectNanos);

    System.out.printf("%n== phase 2b: server heap with %d idle subscribers%n", ready);
    Thread.sleep(1000);
    Heap after = heap();
    if (before != null && after != null && ready > 0) {
      System.out.printf(Locale.ROOT, "heap per idle subscriber: %.1f KB (used %d KB -> %d KB, delta %d KB over %d); RSS %d MB -> %d MB (%.1f KB per subscriber)%n",
          (after.usedKb - before.usedKb) / (double) ready, before.usedKb, after.usedKb, after.usedKb - before.usedKb, ready,
          before.rssKb / 1024, after.rssKb / 1024, (after.rssKb - before.rssKb) / (double) ready);
    }

    histogram("with " + ready + " SSE subscribers");
    metrics("with " + ready + " SSE subscribers");

    System.out.printf("%n== phase 3: %d NoopTasks POSTed one at a time, every %s ms; delay to each subscriber's task_added%n",
        tasks, OPT.get("interval-ms"));
    long[] postStart = new long[tasks];
    long[] postRtt = new long[tasks];
    long interval = TimeUnit.MILLISECONDS.toNanos(integer("interval-ms"));
    CpuSample cpu2 = CpuSample.take();
    long phaseStart = System.nanoTime();
    int posted = 0;
    for (int i = 0; i < tasks; i++) {
      long due = phaseStart + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      final int index = i;
      postStart[i] = System.nanoTime();
      try {
        Reply r = request(HttpMethod.POST, "/noop_task", null, body -> {
          // registered on the control loop, before the main thread wakes up
          String id = new JsonObject(body).getString("task_id");
          NOOP_INDEX.put(id, index);
        }).await(10, TimeUnit.SECONDS);
        postRtt[i] = System.nanoTime() - postStart[i];
        if (r.status != 200) error("POST /noop_task #" + i + ": " + r.status + " " + r.body);
        else posted++;
      } catch (Exception e) {
        error("POST /noop_task #" + i + ": " + e);
      }
    }
    long postNanos = System.nanoTime() - phaseStart;
    long expected = (long) posted * ready;
    long settleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(integer("settle-s"));
    while (ADDED_SEEN.get() < expected && System.nanoTime() < settleDeadline) Thread.sleep(10);
    long phaseNanos = System.nanoTime() - phaseStart;
    CpuSample cpu3 = CpuSample.take();
    Thread.sleep(200); // any straggler handler finishes; the arrays are read under each sub's lock below

    long[] samples = new long[(int) Math.max(expected, 0)];
    long[] lastPerTask = new long[tasks];
    long[] firstPerTask = new long[tasks];
    Arrays.fill(firstPerTask, Long.MAX_VALUE);
    int k = 0;
    long missing = 0;
    boolean[] ok = new boolean[tasks];
    for (int ix : NOOP_INDEX.values()) ok[ix] = true;
    for (int i = 0; i < started; i++) {
      Sub sub = subs[i];
      synchronized (sub) {
        if (sub.firstAt == 0) continue;
        if (sub.early != null) {
          for (Map.Entry<String, Long> e : sub.early.entrySet()) {
            Integer ix = NOOP_INDEX.get(e.getKey());
            if (ix != null && sub.arrivals[ix] == 0) sub.arrivals[ix] = e.getValue();
          }
          sub.early = null;
        }
        for (int t = 0; t < tasks; t++) {
          if (!ok[t]) continue; // its POST failed
          long at = sub.arrivals[t];
          if (at == 0) {
            missing++;
            continue;
          }
          long d = at - postStart[t];
          if (k < samples.length) samples[k++] = d;
          lastPerTask[t] = Math.max(lastPerTask[t], d);
          firstPerTask[t] = Math.min(firstPerTask[t], d);
        }
      }
    }
    samples = Arrays.copyOf(samples, k);
    System.out.printf(Locale.ROOT, "posted %d of %d in %.2f s; deliveries %d of %d expected (%d x %d); missing %d; duplicates %d; subscribers dropped %d%n",
        posted, tasks, postNanos / 1e9, k, expected, posted, ready, missing, DUPLICATES.get(), SSE_DROPPED.get());
    System.out.printf(Locale.ROOT, "queue events per subscriber in the phase: %.1f task_added, %.1f task_removed (finished tasks pruned)%n",
        ADDED_SEEN.get() / (double) Math.max(1, ready), REMOVED_SEEN.get() / (double) Math.max(1, ready));
    System.out.printf(Locale.ROOT, "POST /noop_task round trip (one at a time; the next waits for the answer): %s%n",
        pct(Arrays.stream(postRtt).filter(v -> v > 0).toArray()));
    System.out.printf(Locale.ROOT, "delay POST -> task_added, all samples: %s%n", pct(samples));
    long[] last = Arrays.stream(lastPerTask).filter(v -> v > 0).toArray();
    long[] first = Arrays.stream(firstPerTask).filter(v -> v != Long.MAX_VALUE).toArray();
    System.out.printf(Locale.ROOT, "per task, first subscriber served:     %s%n", pct(first));
    System.out.printf(Locale.ROOT, "per task, last subscriber served:      %s%n", pct(last));
    if (tasks >= 20) {
      long[] firstTen = new long[Math.min(10, last.length)];
      System.arraycopy(last, 0, firstTen, 0, firstTen.length);
      System.out.printf(Locale.ROOT, "per task, last subscriber, tasks 1-10: %s%n", pct(firstTen));
    }
    if (missing > 0) error("SSE: " + missing + " task_added deliveries missing");
    CpuSample.report("phase 3 (fan-out)", cpu2, cpu3, phaseNanos);

    System.out.printf("%nclosing the SSE subscribers%n");
    CLOSING = true;
    long closeStart = System.nanoTime();
    for (HttpClient c : clients) c.close().await(30, TimeUnit.SECONDS);
    System.out.printf(Locale.ROOT, "client side closed in %.2f s%n", (System.nanoTime() - closeStart) / 1e9);
    // wait (bounded) until the server has released them, so phase 4 does not run beside the clean-up
    long releaseDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    long left = -1;
    while (System.nanoTime() < releaseDeadline) {
      left = pid.isEmpty() ? serverSideSockets() : histogram(null).getOrDefault("io.brinjal.streaming.SseConnection", -1L);
      if (left >= 0 && left <= (pid.isEmpty() ? 8 : 0)) break; // without --pid: the control client's few
      Thread.sleep(1000);
    }
    System.out.printf(Locale.ROOT, "server released the closed streams %.1f s after the close began (%s left)%n",
        (System.nanoTime() - closeStart) / 1e9, left < 0 ? "?" : Long.toString(left));
    if (left > (pid.isEmpty() ? 8 : 0)) error("the server still holds " + left + " closed SSE streams 120 s after they were closed");
  }

  static void connectSse(HttpClient client, Sub sub, Semaphore inFlight) {
    sub.started = System.nanoTime();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI("/queue/stream")
        .setConnectTimeout(30_000).putHeader("Accept", "text/event-stream");
    client.request(options).compose(req -> req.send().map(resp -> {
      synchronized (sub) {
        sub.connection = req.connection();
      }
      if (resp.statusCode() != 200) {
        resp.body().onComplete(b -> settle(sub, inFlight, "SSE subscriber " + sub.index + ": status " + resp.statusCode()
            + " " + (b.succeeded() ? b.result().toString() : "")));
        return resp;
      }
      resp.handler(buf -> onChunk(sub, buf, inFlight));
      resp.exceptionHandler(e -> closed(sub, inFlight, "exception " + e));
      resp.endHandler(v -> closed(sub, inFlight, "stream ended"));
      return resp;
    })).onFailure(e -> settle(sub, inFlight, "SSE subscriber " + sub.index + ": " + e));
  }

  static void closed(Sub sub, Semaphore inFlight, String why) {
    boolean before;
    synchronized (sub) {
      before = sub.firstAt == 0;
    }
    if (before) settle(sub, inFlight, "SSE subscriber " + sub.index + " closed before its first event: " + why);
    else if (!CLOSING) {
      SSE_DROPPED.incrementAndGet();
      error("SSE subscriber " + sub.index + " dropped: " + why);
    }
  }

  static volatile boolean CLOSING;

  /** The connect attempt failed: count it and free its place in the window, once. */
  static void settle(Sub sub, Semaphore inFlight, String why) {
    synchronized (sub) {
      if (sub.settled) return;
      sub.settled = true;
      sub.failed = true;
    }
    SSE_FAILED.incrementAndGet();
    error(why);
    inFlight.release();
  }

  static void onChunk(Sub sub, Buffer buf, Semaphore inFlight) {
    long now = System.nanoTime();
    boolean becameReady = false;
    synchronized (sub) {
      sub.pending.append(buf.toString(StandardCharsets.UTF_8));
      if (sub.pending.length() > 64 * 1024 * 1024) {
        error("SSE subscriber " + sub.index + ": an unterminated frame over 64 MB");
        sub.pending.setLength(0);
        if (sub.connection != null) sub.connection.close();
        return;
      }
      int end;
      while ((end = sub.pending.indexOf("\n\n")) >= 0) {
        String frame = sub.pending.substring(0, end);
        sub.pending.delete(0, end + 2);
        String data = dataOf(frame);
        if (data == null) continue; // a comment, retry hint, keep-alive
        if (sub.firstAt == 0) {
          if (!data.startsWith("{\"type\":\"queue_updated\"")) {
            error("SSE subscriber " + sub.index + ": first event is not queue_updated: " + abbreviate(data));
          }
          sub.firstAt = now;
          if (!sub.settled) {
            sub.settled = true;
            becameReady = true;
          }
        } else if (data.startsWith("{\"type\":\"task_removed\"")) {
          REMOVED_SEEN.incrementAndGet();
        } else if (data.startsWith("{\"type\":\"task_added\"")) {
          String id = taskIdOf(data);
          if (id == null) {
            error("SSE subscriber " + sub.index + ": task_added without a task_id: " + abbreviate(data));
            continue;
          }
          ADDED_SEEN.incrementAndGet();
          Integer ix = NOOP_INDEX.get(id);
          if (ix != null) {
            if (sub.arrivals[ix] == 0) sub.arrivals[ix] = now;
            else DUPLICATES.incrementAndGet();
          } else {
            if (sub.early == null) sub.early = new HashMap<>();
            if (sub.early.putIfAbsent(id, now) != null) DUPLICATES.incrementAndGet();
          }
        }
      }
    }
    if (becameReady) {
      SSE_READY.incrementAndGet();
      inFlight.release();
    }
  }

  static String dataOf(String frame) {
    StringBuilder data = null;
    for (String line : frame.split("\n", -1)) {
      if (line.startsWith("data:")) {
        String v = line.substring(line.startsWith("data: ") ? 6 : 5);
        if (data == null) data = new StringBuilder(v);
        else data.append('\n').append(v);
      }
    }
    return data == null ? null : data.toString();
  }

  /** The first "task_id" in a task_added event: the added task's (its JSON puts task_id first). */
  static String taskIdOf(String data) {
    int k = data.indexOf("\"task_id\":\"");
    if (k < 0) return null;
    int from = k + 11;
    int to = data.indexOf('"', from);
    return to < 0 ? null : data.substring(from, to);
  }

  // ================================================================ WebSocket: phase 4

  /** One WebSocket client; touched only on its Vert.x instance's event loop (and under its lock). */
  static final class Wsc {
    final int index;
    final String[] taskIds;
    final int[] taskIdx;
    final long[] cancelledAt;
    final boolean[] seen;
    int seenCount;
    boolean acked;
    boolean ready;
    boolean failed;
    long started;
    long readyAt;
    WebSocket ws;

    Wsc(int index, int k) {
      this.index = index;
      this.taskIds = new String[k];
      this.taskIdx = new int[k];
      this.cancelledAt = new long[k];
      this.seen = new boolean[k];
    }
  }

  static final AtomicInteger WS_READY = new AtomicInteger();
  static final AtomicInteger WS_FAILED = new AtomicInteger();
  static final AtomicLong WS_CANCELLED_SEEN = new AtomicLong();
  static final AtomicLong WS_OTHER_END = new AtomicLong();

  static void webSockets(Vertx[] vx) throws Exception {
    int w = integer("ws-clients");
    int nTasks = integer("ws-tasks");
    int per = Math.min(integer("ws-per-client"), nTasks);
    int cancels = Math.min(integer("ws-cancels"), nTasks);
    int window = integer("connect-window");
    System.out.printf("%n== phase 4: %d WebSocket clients, each subscribed to %d of %d SleepTasks (semaphore \"multiple\")%n",
        w, per, nTasks);

    histogram("after the SSE subscribers closed");
    metrics("after the SSE subscribers closed");
    JsonObject multiple0 = semaphore("multiple");
    if (multiple0 != null && (multiple0.getInteger("running", 0) > 0 || multiple0.getInteger("waiting", 0) > 0)) {
      System.out.println("note: semaphore \"multiple\" is not idle before the phase: " + multiple0.encode());
    }
    String[] ids = new String[nTasks];
    String params = new JsonObject().put("sleep_time", Double.parseDouble(OPT.get("sleep-time")))
        .put("semaphore_name", "multiple").encode();
    for (int i = 0; i < nTasks; i++) {
      Reply r = send(HttpMethod.POST, "/sleep_task", params);
      if (r.status != 200) throw new IllegalStateException("POST /sleep_task: " + r.status + " " + r.body);
      ids[i] = new JsonObject(r.body).getString("task_id");
    }
    System.out.printf("created %d SleepTasks (sleep_time %s s): %s%n", nTasks, OPT.get("sleep-time"), semaphore("multiple"));
    int[] subscribersOf = new int[nTasks];

    Heap before = heap();
    WebSocketClient[] clients = new WebSocketClient[vx.length];
    for (int i = 0; i < vx.length; i++) {
      clients[i] = vx[i].createWebSocketClient(new WebSocketClientOptions().setDefaultHost(host).setDefaultPort(port)
          .setMaxConnections(w + 16).setConnectTimeout(30_000));
    }
    Wsc[] all = new Wsc[w];
    Semaphore inFlight = new Semaphore(window);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(integer("connect-timeout-s"));
    long start = System.nanoTime();
    int started = 0;
    for (int i = 0; i < w; i++) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !inFlight.tryAcquire(left, TimeUnit.NANOSECONDS)) {
        error("WebSocket connect phase: time is up after starting " + i + " of " + w);
        break;
      }
      Wsc c = new Wsc(i, per);
      // client i: tasks i%10, i%10 + 10, ... (with 100 tasks and 10 each: one of the first ten, which run)
      int stride = Math.max(1, nTasks / per);
      for (int j = 0; j < per; j++) {
        int t = (i % stride + j * stride) % nTasks;
        c.taskIdx[j] = t;
        c.taskIds[j] = ids[t];
        subscribersOf[t]++;
      }
      all[i] = c;
      connectWs(clients[i % clients.length], c, inFlight);
      started++;
    }
    while (WS_READY.get() + WS_FAILED.get() < started && System.nanoTime() < deadline) Thread.sleep(5);
    long connectNanos = System.nanoTime() - start;
    int ready = WS_READY.get();
    long[] perClient = new long[ready];
    int n = 0;
    for (int i = 0; i < started; i++) {
      synchronized (all[i]) {
        if (all[i].ready && n < perClient.length) perClient[n++] = all[i].readyAt - all[i].started;
      }
    }
    if (ready < w) error("WebSocket: only " + ready + " of " + w + " clients subscribed (" + WS_FAILED.get() + " failed)");
    System.out.printf(Locale.ROOT, "connected and subscribed (ack + %d initial task states each): %d of %d in %.2f s (%.0f clients/s)%n",
        per, ready, w, connectNanos / 1e9, ready / (connectNanos / 1e9));
    System.out.printf(Locale.ROOT, "per client, connect start -> ack and all initial states: %s%n", pct(Arrays.copyOf(perClient, n)));
    metrics("with " + ready + " WebSocket clients");
    Heap after = heap();
    if (before != null && after != null && ready > 0) {
      System.out.printf(Locale.ROOT, "heap per WebSocket client (%d subscriptions each): %.1f KB (used %d KB -> %d KB)%n",
          per, (after.usedKb - before.usedKb) / (double) ready, before.usedKb, after.usedKb);
    }

    // measured cancels: alternately the lowest index not yet cancelled (running, at first) and the
    // highest (queued); the answer's status tells which it was
    List<Integer> order = new ArrayList<>();
    for (int lo = 0, hi = nTasks - 1; lo <= hi; ) {
      order.add(lo++);
      if (lo <= hi) order.add(hi--);
    }
    long[] cancelStart = new long[nTasks];
    String[] cancelAnswer = new String[nTasks];
    long interval = TimeUnit.MILLISECONDS.toNanos(integer("cancel-interval-ms"));
    CpuSample cpu0 = CpuSample.take();
    long phaseStart = System.nanoTime();
    long expected = 0;
    for (int i = 0; i < cancels; i++) {
      long wait = phaseStart + i * interval - System.nanoTime();
      if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      int t = order.get(i);
      cancelStart[t] = System.nanoTime();
      cancelAnswer[t] = cancel(ids[t]);
      if (cancelAnswer[t] != null) expected += subscribersOf[t];
    }
    long waitDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(integer("settle-s"));
    while (WS_CANCELLED_SEEN.get() < expected && System.nanoTime() < waitDeadline) Thread.sleep(10);
    long phaseNanos = System.nanoTime() - phaseStart;
    CpuSample cpu1 = CpuSample.take();

    long[] lastOfTask = new long[nTasks];
    List<Long> fromQueued = new ArrayList<>();
    List<Long> fromRunning = new ArrayList<>();
    long missing = 0;
    for (int i = 0; i < started; i++) {
      Wsc c = all[i];
      synchronized (c) {
        if (!c.ready) continue;
        for (int j = 0; j < per; j++) {
          int t = c.taskIdx[j];
          if (cancelAnswer[t] == null) continue;
          if (c.cancelledAt[j] == 0) {
            missing++;
            continue;
          }
          long d = c.cancelledAt[j] - cancelStart[t];
          lastOfTask[t] = Math.max(lastOfTask[t], d);
          ("cancelling".equals(cancelAnswer[t]) ? fromRunning : fromQueued).add(d);
        }
      }
    }
    long runningCount = Arrays.stream(cancelAnswer).filter("cancelling"::equals).count();
    long queuedCount = Arrays.stream(cancelAnswer).filter("cancelled"::equals).count();
    long[] allDelays = new long[fromQueued.size() + fromRunning.size()];
    int m = 0;
    for (long d : fromQueued) allDelays[m++] = d;
    for (long d : fromRunning) allDelays[m++] = d;
    System.out.printf(Locale.ROOT, "cancelled %d tasks one at a time every %s ms (%d were running, %d queued); %d cancelled events expected, %d received, %d missing%n",
        runningCount + queuedCount, OPT.get("cancel-interval-ms"), runningCount, queuedCount, expected, allDelays.length, missing);
    System.out.printf(Locale.ROOT, "delay POST cancel -> cancelled, all:       %s%n", pct(allDelays));
    System.out.printf(Locale.ROOT, "  tasks that were queued:                  %s%n", pct(fromQueued.stream().mapToLong(Long::longValue).toArray()));
    System.out.printf(Locale.ROOT, "  tasks that were running (thread leaves): %s%n", pct(fromRunning.stream().mapToLong(Long::longValue).toArray()));
    long[] lastInOrder = new long[cancels];
    int q = 0;
    for (int i = 0; i < cancels; i++) if (lastOfTask[order.get(i)] > 0) lastInOrder[q++] = lastOfTask[order.get(i)];
    lastInOrder = Arrays.copyOf(lastInOrder, q);
    System.out.printf(Locale.ROOT, "  per cancel, last client served:          %s%n", pct(lastInOrder));
    if (q >= 20) {
      System.out.printf(Locale.ROOT, "  per cancel, last client, first 10:       %s%n", pct(Arrays.copyOf(lastInOrder, 10)));
      System.out.printf(Locale.ROOT, "  per cancel, last client, the others:     %s%n", pct(Arrays.copyOfRange(lastInOrder, 10, q)));
    }
    if (missing > 0) error("WebSocket: " + missing + " cancelled deliveries missing");
    CpuSample.report("phase 4 (cancels)", cpu0, cpu1, phaseNanos);

    // clean up: cancel the rest, check every subscriber heard of every task's end
    int rest = 0;
    for (int i = cancels; i < nTasks; i++) {
      int t = order.get(i);
      if (cancel(ids[t]) != null) rest++;
    }
    long total = 0;
    for (int t = 0; t < nTasks; t++) total += subscribersOf[t];
    long endDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(integer("settle-s"));
    while (WS_CANCELLED_SEEN.get() + WS_OTHER_END.get() < total && System.nanoTime() < endDeadline) Thread.sleep(20);
    System.out.printf("cancelled the remaining %d tasks; task ends received by WebSocket clients: %d cancelled + %d other, of %d subscriptions%n",
        rest, WS_CANCELLED_SEEN.get(), WS_OTHER_END.get(), total);
    if (WS_OTHER_END.get() > 0) error("WebSocket: " + WS_OTHER_END.get() + " task ends other than cancelled (sleep-time too short?)");
    JsonObject sem = null;
    long semDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < semDeadline) {
      sem = semaphore("multiple");
      if (sem != null && sem.getInteger("running", 1) == 0 && sem.getInteger("waiting", 1) == 0) break;
      Thread.sleep(100);
    }
    System.out.println("semaphore after clean-up: " + (sem == null ? "?" : sem.encode()));
    if (sem == null || sem.getInteger("running", 1) != 0 || sem.getInteger("waiting", 1) != 0) {
      error("semaphore \"multiple\" not idle after clean-up: " + sem);
    }
    for (WebSocketClient c : clients) c.close().await(30, TimeUnit.SECONDS);
  }

  static void connectWs(WebSocketClient client, Wsc c, Semaphore inFlight) {
    c.started = System.nanoTime();
    JsonObject subscribe = new JsonObject().put("op", "subscribe").put("task_ids", new JsonArray(Arrays.asList(c.taskIds)));
    client.connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI("/ws").setConnectTimeout(30_000))
        .map(ws -> {
          synchronized (c) {
            c.ws = ws;
          }
          ws.textMessageHandler(text -> onWsText(c, text, inFlight));
          ws.closeHandler(v -> {
            boolean before;
            synchronized (c) {
              before = !c.ready;
            }
            if (before) wsFail(c, inFlight, "WebSocket client " + c.index + " closed before it was subscribed");
          });
          ws.exceptionHandler(e -> error("WebSocket client " + c.index + ": " + e));
          return ws.writeTextMessage(subscribe.encode());
        })
        .onFailure(e -> wsFail(c, inFlight, "WebSocket client " + c.index + ": " + e));
  }

  static void wsFail(Wsc c, Semaphore inFlight, String why) {
    synchronized (c) {
      if (c.ready || c.failed) return;
      c.failed = true;
    }
    WS_FAILED.incrementAndGet();
    error(why);
    inFlight.release();
  }

  static void onWsText(Wsc c, String text, Semaphore inFlight) {
    long now = System.nanoTime();
    JsonObject m;
    try {
      m = new JsonObject(text);
    } catch (RuntimeException e) {
      error("WebSocket client " + c.index + ": not JSON: " + abbreviate(text));
      return;
    }
    String type = m.getString("type", "");
    boolean becameReady = false;
    synchronized (c) {
      switch (type) {
        case "subscribed" -> {
          JsonArray got = m.getJsonArray("task_ids");
          if (got == null || got.size() != c.taskIds.length) error("WebSocket client " + c.index + ": ack " + abbreviate(text));
          c.acked = true;
        }
        case "task_updated" -> {
          String id = m.getString("task_id");
          int j = -1;
          for (int x = 0; x < c.taskIds.length; x++) if (c.taskIds[x].equals(id)) j = x;
          if (j < 0) {
            error("WebSocket client " + c.index + ": event for a task it did not subscribe to: " + id);
            return;
          }
          if (!c.seen[j]) {
            c.seen[j] = true;
            c.seenCount++;
          }
          String status = m.getString("status", "");
          if (status.equals("cancelled")) {
            if (c.cancelledAt[j] == 0) {
              c.cancelledAt[j] = now;
              WS_CANCELLED_SEEN.incrementAndGet();
            }
          } else if (status.equals("done") || status.equals("failed")) {
            WS_OTHER_END.incrementAndGet();
          }
        }
        case "error" -> error("WebSocket client " + c.index + ": server error frame " + abbreviate(text));
        default -> { }
      }
      if (!c.ready && !c.failed && c.acked && c.seenCount == c.taskIds.length) {
        c.ready = true;
        c.readyAt = now;
        becameReady = true;
      }
    }
    if (becameReady) {
      WS_READY.incrementAndGet();
      inFlight.release();
    }
  }

  static String cancel(String id) {
    try {
      Reply r = send(HttpMethod.POST, "/" + id + "/cancel", null);
      if (r.status != 200) {
        error("POST /" + id + "/cancel: " + r.status + " " + r.body);
        return null;
      }
      return new JsonObject(r.body).getString("status");
    } catch (Exception e) {
      error("POST /" + id + "/cancel: " + e);
      return null;
    }
  }

  static JsonObject semaphore(String name) {
    try {
      JsonArray all = new JsonArray(send(HttpMethod.GET, "/semaphores", null).body);
      for (int i = 0; i < all.size(); i++) {
        if (name.equals(all.getJsonObject(i).getString("name"))) return all.getJsonObject(i);
      }
    } catch (Exception e) {
      error("GET /semaphores: " + e);
    }
    return null;
  }

  // ================================================================ HTTP, heap, CPU, stats

  record Reply(int status, String body) {}

  static Reply send(HttpMethod method, String path, String body) throws Exception {
    return request(method, path, body, null).await(30, TimeUnit.SECONDS);
  }

  static Future<Reply> request(HttpMethod method, String path, String body, java.util.function.Consumer<String> onOk) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path).setIdleTimeout(30_000);
    if (body != null) options.putHeader("Content-Type", "application/json");
    return ctl.request(options).compose(req -> (body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> {
          Reply r = new Reply(resp.statusCode(), b.toString());
          if (onOk != null && r.status == 200) onOk.accept(r.body);
          return r;
        })));
  }

  record Heap(long usedKb, long rssKb) {}

  static final Pattern USED = Pattern.compile("used (\\d+)K");

  /** The server's used heap right after a full GC, and its resident set; null without --pid. */
  static Heap heap() {
    if (pid.isEmpty()) {
      System.out.println("(no --pid: server heap not measured)");
      return null;
    }
    try {
      run("jcmd", pid, "GC.run");
      String info = run("jcmd", pid, "GC.heap_info");
      Matcher m = USED.matcher(info);
      if (!m.find()) {
        error("jcmd GC.heap_info: no 'used' in: " + abbreviate(info));
        return null;
      }
      long used = Long.parseLong(m.group(1));
      long rss = 0;
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("\\D", ""));
      }
      System.out.printf("server heap used after GC.run: %d KB; RSS %d KB%n", used, rss);
      return new Heap(used, rss);
    } catch (Exception e) {
      error("heap measurement: " + e);
      return null;
    }
  }

  static final List<String> WATCHED = List.of("io.brinjal.streaming.StreamHub", "io.brinjal.streaming.SseConnection",
      "io.brinjal.streaming.WebSocketConnection", "io.vertx.core.eventbus.impl.MessageConsumerImpl",
      "io.vertx.core.impl.DuplicatedContext");

  /**
   * Live instances of the stream classes in the server (jcmd GC.class_histogram): how many
   * event-bus consumers and hubs the open streams hold, and whether closed ones are released.
   */
  static Map<String, Long> histogram(String when) {
    if (pid.isEmpty()) return Map.of();
    try {
      Map<String, Long> count = new LinkedHashMap<>();
      WATCHED.forEach(c -> count.put(c, 0L));
      for (String line : run("jcmd", pid, "GC.class_histogram").split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 4 && count.containsKey(f[3])) count.put(f[3], Long.parseLong(f[1]));
      }
      StringBuilder out = new StringBuilder();
      count.forEach((c, n) -> out.append(out.length() == 0 ? "" : ", ").append(c.substring(c.lastIndexOf('.') + 1)).append(' ').append(n));
      if (when != null) System.out.println("server live instances " + when + ": " + out);
      return count;
    } catch (Exception e) {
      error("class histogram: " + e);
      return Map.of();
    }
  }

  /** Open streams and event-bus handlers as the server's {@code GET /metrics} reports them, if it has one. */
  static void metrics(String when) {
    try {
      Reply r = send(HttpMethod.GET, "/metrics", null);
      if (r.status != 200) return;
      StringBuilder out = new StringBuilder();
      for (String line : r.body.split("\n")) {
        if (line.startsWith("brinjal_stream_subscribers{") || line.startsWith("vertx_eventbus_handlers")) {
          out.append(out.length() == 0 ? "" : ", ").append(line.trim());
        }
      }
      if (out.length() > 0) System.out.println("server /metrics " + when + ": " + out);
    } catch (Exception e) {
      // no metrics: nothing to show
    }
  }

  /** Server-side TCP sockets of the port still open or half-closed (/proc/net/tcp*, Linux). */
  static long serverSideSockets() {
    String local = String.format(Locale.ROOT, ":%04X", port);
    long n = 0;
    for (String f : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of(f))) {
          String[] c = line.trim().split("\\s+");
          // local address ends with our port; state 01 ESTABLISHED or 08 CLOSE_WAIT
          if (c.length > 3 && c[1].endsWith(local) && (c[3].equals("01") || c[3].equals("08"))) n++;
        }
      } catch (Exception e) {
        return -1;
      }
    }
    return n;
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + ": timed out");
    }
    return out;
  }

  /** CPU time by thread of the server (with --pid) and of this bench, from /proc (Linux). */
  record CpuSample(Map<String, Long> server, Map<String, Long> bench) {
    static final long HZ = 100; // USER_HZ on Linux

    static CpuSample take() {
      return new CpuSample(pid.isEmpty() ? Map.of() : threads(pid), threads(Long.toString(ProcessHandle.current().pid())));
    }

    static Map<String, Long> threads(String p) {
      Map<String, Long> out = new HashMap<>();
      try (var dirs = Files.list(Path.of("/proc", p, "task"))) {
        for (Path d : (Iterable<Path>) dirs::iterator) {
          try {
            String stat = Files.readString(d.resolve("stat"));
            int l = stat.indexOf('('), r = stat.lastIndexOf(')');
            String name = stat.substring(l + 1, r) + "#" + d.getFileName();
            String[] f = stat.substring(r + 2).split(" ");
            out.put(name, Long.parseLong(f[11]) + Long.parseLong(f[12])); // utime, stime
          } catch (Exception gone) {
            // thread ended
          }
        }
      } catch (Exception e) {
        // not Linux, or the process is gone
      }
      return out;
    }

    static void report(String phase, CpuSample a, CpuSample b, long wallNanos) {
      double wall = wallNanos / 1e9;
      for (String side : List.of("server", "bench")) {
        Map<String, Long> x = side.equals("server") ? a.server : a.bench;
        Map<String, Long> y = side.equals("server") ? b.server : b.bench;
        if (y.isEmpty()) continue;
        List<Map.Entry<String, Long>> deltas = new ArrayList<>();
        long sum = 0;
        for (Map.Entry<String, Long> e : y.entrySet()) {
          long d = e.getValue() - x.getOrDefault(e.getKey(), 0L);
          sum += d;
          if (d > 0) deltas.add(Map.entry(e.getKey(), d));
        }
        deltas.sort((p, q) -> Long.compare(q.getValue(), p.getValue()));
        StringBuilder top = new StringBuilder();
        for (int i = 0; i < Math.min(3, deltas.size()); i++) {
          top.append(String.format(Locale.ROOT, "%s%s %.2f s", i == 0 ? "" : ", ", deltas.get(i).getKey(), deltas.get(i).getValue() / (double) HZ));
        }
        System.out.printf(Locale.ROOT, "  %s CPU in %s (%.2f s wall): %.2f s = %.0f%% of one core; busiest threads: %s%n",
            side, phase, wall, sum / (double) HZ, 100.0 * sum / HZ / wall, top);
      }
    }
  }

  static String pct(long[] nanos) {
    if (nanos.length == 0) return "no samples";
    long[] s = nanos.clone();
    Arrays.sort(s);
    return String.format(Locale.ROOT, "n=%d p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
        s.length, ms(at(s, 0.50)), ms(at(s, 0.90)), ms(at(s, 0.99)), ms(s[s.length - 1]));
  }

  static long at(long[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }

  static int integer(String key) {
    return Integer.parseInt(OPT.get(key));
  }

  static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
