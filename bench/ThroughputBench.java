import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The end-to-end throughput of EndToEndBench (per task: {@code POST /noop_task}, then
 * {@code GET /{id}/stream} read to its end), with a client cheap enough not to be the
 * bottleneck on the server's own machine: raw keep-alive sockets, requests prebuilt as bytes, a
 * response scanned for the few bytes that matter instead of parsed. Each of C connections does
 * one task after the other; a task counts as done when its stream ends with a {@code done} event.
 *
 * <pre>
 *   java -cp target/brinjal.jar bench/ThroughputBench.java --port 8123 --tasks 40000 --warmup 40000 \
 *       [--concurrency 64] [--server-pid PID]
 * </pre>
 * Several nodes of one cluster: {@code --port 8123,8124,8125 --server-pid P1,P2,P3}; the
 * connections are spread over the ports round-robin (each does its POST and its stream on its
 * own node, as behind a load balancer with keep-alive) and the servers' CPU is summed.
 * <pre>
 * </pre>
 * bench/run-e2e.sh starts a server and passes --server-pid when asked to run this program
 * (BENCH_PROGRAM=bench/ThroughputBench.java).
 */
public class ThroughputBench {
  private static final byte[] CRLF2 = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] LAST_CHUNK = "\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final String TASK_ID = "\"task_id\":\"";

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>(Map.of("host", "127.0.0.1", "port", "8123", "tasks", "40000",
        "warmup", "40000", "concurrency", "64", "server-pid", "-1"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      String key = args[i].replaceFirst("^--", "");
      if (!opt.containsKey(key)) {
        System.err.println("unknown option " + args[i] + "; known: " + opt.keySet());
        System.exit(64);
      }
      opt.put(key, args[i + 1]);
    }
    String host = opt.get("host");
    int[] ports = Arrays.stream(opt.get("port").split(",")).mapToInt(Integer::parseInt).toArray();
    int concurrency = Integer.parseInt(opt.get("concurrency"));
    long[] serverPids = Arrays.stream(opt.get("server-pid").split(",")).mapToLong(Long::parseLong).toArray();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    System.out.printf("throughput bench against http://%s:%s, %d connections, client on 1 event loop%n",
        host, opt.get("port"), concurrency);

    int warmup = Integer.parseInt(opt.get("warmup"));
    if (warmup > 0) {
      Result w = run(vertx, host, ports, warmup, concurrency, new long[] {-1});
      System.out.printf(Locale.ROOT, "warm-up: %d tasks in %.1f s (%.0f tasks/s), %d errors%n",
          w.ok, w.seconds, w.ok / w.seconds, w.errors);
    }
    Result r = run(vertx, host, ports, Integer.parseInt(opt.get("tasks")), concurrency, serverPids);
    long[] lat = Arrays.copyOf(r.latencyNanos, r.ok);
    Arrays.sort(lat);
    System.out.printf(Locale.ROOT, "THROUGHPUT: %.0f tasks/s (%d done in %.2f s, %d errors)%n",
        r.ok / r.seconds, r.ok, r.seconds, r.errors);
    if (lat.length > 0) {
      System.out.printf(Locale.ROOT, "latency POST sent -> stream ended: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          pct(lat, 50), pct(lat, 99), lat[lat.length - 1] / 1e6);
    }
    System.out.printf(Locale.ROOT, "CPU per task: client %.0f us%s%n", r.clientCpuNanos / 1e3 / Math.max(1, r.ok),
        r.serverCpuNanos < 0 ? "" : String.format(Locale.ROOT, ", server %.0f us", r.serverCpuNanos / 1e3 / Math.max(1, r.ok)));
    vertx.close().await();
    System.exit(r.errors == 0 ? 0 : 1);
  }

  private static double pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
  }

  record Result(int ok, int errors, double seconds, long[] latencyNanos, long clientCpuNanos, long serverCpuNanos) {}

  private static Result run(Vertx vertx, String host, int[] ports, int tasks, int concurrency, long[] serverPids)
      throws Exception {
    AtomicInteger started = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    long[] latency = new long[tasks];
    AtomicInteger finishedConnections = new AtomicInteger();
    Promise<Void> allDone = Promise.promise();
    long clientCpu0 = clientCpu();
    long serverCpu0 = serverCpu(serverPids);
    long t0 = System.nanoTime();
    var client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    for (int c = 0; c < concurrency; c++) {
      int port = ports[c % ports.length];
      String hostHeader = "Host: " + host + ":" + port + "\r\n";
      Buffer post = Buffer.buffer("POST /noop_task HTTP/1.1\r\n" + hostHeader + "Content-Length: 0\r\n\r\n");
      client.connect(port, host).onComplete(ar -> {
        if (ar.failed()) {
          errors.incrementAndGet();
          if (finishedConnections.incrementAndGet() == concurrency) allDone.tryComplete();
          return;
        }
        new Connection(ar.result(), post, hostHeader, () -> {
          int n = started.getAndIncrement();
          return n < tasks ? n : -1;
        }, (n, nanos, good) -> {
          if (good) latency[ok.getAndIncrement()] = nanos;
          else errors.incrementAndGet();
        }, () -> {
          if (finishedConnections.incrementAndGet() == concurrency) allDone.tryComplete();
        }).next();
      });
    }
    allDone.future().await(600, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long serverCpu = serverCpu0 >= 0 ? serverCpu(serverPids) - serverCpu0 : -1;
    client.close().await();
    return new Result(ok.get(), errors.get(), seconds, latency, clientCpu() - clientCpu0, serverCpu);
  }

  interface Ticket { int take(); }

  interface Outcome { void record(int task, long nanos, boolean ok); }

  /** One keep-alive connection: POST, read the answer, GET the task's stream, read it to its end, again. */
  private static final class Connection {
    private final NetSocket socket;
    private final Buffer post;
    private final String hostHeader;
    private final Ticket tickets;
    private final Outcome outcome;
    private final Runnable closed;
    private Buffer pending = Buffer.buffer();
    private boolean streaming;
    private int task;
    private long sentAt;

    Connection(NetSocket socket, Buffer post, String hostHeader, Ticket tickets, Outcome outcome, Runnable closed) {
      this.socket = socket;
      this.post = post;
      this.hostHeader = hostHeader;
      this.tickets = tickets;
      this.outcome = outcome;
      this.closed = closed;
      socket.handler(this::onData);
      socket.exceptionHandler(e -> fail());
      socket.closeHandler(v -> { if (task >= 0) fail(); });
    }

    void next() {
      task = tickets.take();
      if (task < 0) {
        socket.close();
        closed.run();
        return;
      }
      streaming = false;
      pending = Buffer.buffer();
      sentAt = System.nanoTime();
      socket.write(post);
    }

    private void fail() {
      if (task < 0) return;
      outcome.record(task, 0, false);
      task = -1;
      closed.run();
      socket.close();
    }

    private void onData(Buffer data) {
      pending.appendBuffer(data);
      if (!streaming) {
        int headerEnd = indexOf(pending, CRLF2, 0);
        if (headerEnd < 0) return;
        String head = pending.getString(0, headerEnd, "ISO-8859-1");
        int length = contentLength(head);
        if (pending.length() < headerEnd + 4 + length) return;
        String body = pending.getString(headerEnd + 4, headerEnd + 4 + length, "UTF-8");
        int at = body.indexOf(TASK_ID);
        if (!head.startsWith("HTTP/1.1 200") || at < 0) {
          fail();
          return;
        }
        String id = body.substring(at + TASK_ID.length(), body.indexOf('"', at + TASK_ID.length()));
        streaming = true;
        pending = Buffer.buffer();
        socket.write("GET /" + id + "/stream HTTP/1.1\r\n" + hostHeader + "Accept: text/event-stream\r\n\r\n");
      } else if (endsWith(pending, LAST_CHUNK)) {
        boolean done = pending.toString(StandardCharsets.UTF_8).contains("\"status\":\"done\"");
        outcome.record(task, System.nanoTime() - sentAt, done);
        next();
      }
    }

    private static int contentLength(String head) {
      for (String line : head.split("\r\n")) {
        if (line.regionMatches(true, 0, "content-length:", 0, 15)) return Integer.parseInt(line.substring(15).trim());
      }
      return 0;
    }

    private static int indexOf(Buffer buffer, byte[] needle, int from) {
      outer:
      for (int i = from; i <= buffer.length() - needle.length; i++) {
        for (int j = 0; j < needle.length; j++) if (buffer.getByte(i + j) != needle[j]) continue outer;
        return i;
      }
      return -1;
    }

    private static boolean endsWith(Buffer buffer, byte[] suffix) {
      int start = buffer.length() - suffix.length;
      return start >= 0 && indexOf(buffer, suffix, start) == start;
    }
  }

  private static long clientCpu() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
  }

  /** utime + stime of the servers together, or -1 if one of them cannot be read. */
  private static long serverCpu(long[] pids) {
    long sum = 0;
    for (long pid : pids) {
      long cpu = serverCpu(pid);
      if (cpu < 0) return -1;
      sum += cpu;
    }
    return sum;
  }

  /** utime + stime of the server from /proc (Linux, USER_HZ 100), or -1. */
  private static long serverCpu(long pid) {
    if (pid <= 0) return -1;
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    } catch (Exception e) {
      return -1;
    }
  }
}
