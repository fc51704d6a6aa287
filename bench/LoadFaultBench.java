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
import io.vertx.core.net.NetClient;
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
 * each semaphore, and (with --pid) the server's heap after pruning. Meanwhile {@code --hostile}
 * clients send the shapes of issue 17 over raw TCP (cross-site writes, smuggling framings, a
 * made-up method, an oversized WebSocket frame, dripped headers); each must be refused as
 * documented, create nothing, and cost the others nothing.
 *
 *   java -cp target/brinjal.jar bench/LoadFaultBench.java --port 8125 --tasks 100000
 */
public class LoadFaultBench {
  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>(Map.of("host", "127.0.0.1", "port", "8125", "tasks", "100000",
        "connections", "64", "burst", "2000", "churn", "16", "hostile", "8", "pid", ""));
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

    AtomicInteger hostileSent = new AtomicInteger();
    List<String> hostileSurprises = Collections.synchronizedList(new ArrayList<>());
    NetClient raw = vertx.createNetClient();
    for (int i = 0; i < Integer.parseInt(opt.get("hostile")); i++) {
      hostile(vertx, raw, host, port, churning, hostileSent, hostileSurprises);
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
    System.out.printf("hostile requests: %d, answered otherwise than documented: %d%s%n", hostileSent.get(),
        hostileSurprises.size(), hostileSurprises.isEmpty() ? "" : " " + hostileSurprises.subList(0, Math.min(5, hostileSurprises.size())));

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
    if (!hostileSurprises.isEmpty()) problems.add(hostileSurprises.size() + " hostile request(s) not refused as documented");
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

  /**
   * A hostile shape, what the server must answer it with (the start of its reply; "" = a close
   * and nothing else), and what to send once the answer's head is in (a WebSocket client waits
   * for the 101 before its first frame).
   */
  private record Shape(String name, Buffer bytes, String expected, Buffer afterHead) {
    Shape(String name, Buffer bytes, String expected) {
      this(name, bytes, expected, null);
    }
  }

  private static final String WS_HANDSHAKE = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
      + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n";

  private static List<Shape> shapes() {
    Buffer frame = Buffer.buffer();
    int size = (1 << 20) + 1; // one byte over the message limit: close 1009 (0x03f1)
    frame.appendByte((byte) 0x81).appendByte((byte) (0x80 | 127)).appendLong(size).appendInt(0);
    frame.appendBuffer(Buffer.buffer(new byte[size]));
    return List.of(
        new Shape("cross-site text/plain POST", Buffer.buffer("POST /sleep_task?sleep_time=1 HTTP/1.1\r\nHost: x\r\n"
            + "Origin: http://evil.example\r\nContent-Type: text/plain\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
            "HTTP/1.1 403"),
        new Shape("cross-site WebSocket", Buffer.buffer(WS_HANDSHAKE.replace("\r\n\r\n", "\r\nOrigin: http://evil.example\r\n\r\n")),
            "HTTP/1.1 403"),
        new Shape("xchunked with a length", Buffer.buffer("POST /noop_task HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
            + "Transfer-Encoding: xchunked\r\n\r\n{}GET /queue HTTP/1.1\r\nHost: x\r\n\r\n"), "HTTP/1.1 400"),
        new Shape("bad chunk size", Buffer.buffer("POST /noop_task HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"), "HTTP/1.1 400"),
        new Shape("made-up method", Buffer.buffer("M" + ThreadLocalRandom.current().nextInt(1_000_000)
            + "X /queue HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), "HTTP/1.1 4"),
        new Shape("HTTP/2 preface", Buffer.buffer("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), "HTTP/"),
        new Shape("oversized WebSocket frame", Buffer.buffer(WS_HANDSHAKE), "HTTP/1.1 101", frame),
        new Shape("dripped headers", Buffer.buffer("GET /queue HTTP/1.1\r\nHost: x\r\n"), ""),
        new Shape("dripped second request", Buffer.buffer("GET /queue HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /queue HTTP/1.1\r\nHost: x\r\n"), "HTTP/1.1 200"));
  }

  /**
   * Sends one hostile shape after another on fresh connections until told to stop. The
   * oversized frame must end in a close frame with 1009; dripped headers must be cut off
   * (by the header deadline) without an answer.
   */
  private static void hostile(Vertx vertx, NetClient raw, String host, int port, AtomicBoolean on, AtomicInteger sent,
      List<String> surprises) {
    if (!on.get()) return;
    List<Shape> all = shapes();
    Shape shape = all.get(ThreadLocalRandom.current().nextInt(all.size()));
    Promise<Buffer> answered = Promise.promise();
    raw.connect(port, host).onSuccess(socket -> {
      Buffer got = Buffer.buffer();
      boolean[] sentAfter = {false};
      socket.handler(b -> {
        got.appendBuffer(b);
        String text = got.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        if (shape.afterHead() != null && text.contains("\r\n\r\n") && !text.contains("\u0088") && !sentAfter[0]) {
          sentAfter[0] = true;
          socket.write(shape.afterHead());
        }
        boolean enough = shape.afterHead() != null ? text.contains("\u0088") : text.contains("\r\n\r\n");
        if (enough && !drips(shape)) socket.close(); // seen what decides; some answers keep the connection
      });
      socket.closeHandler(v -> answered.tryComplete(got));
      socket.write(shape.bytes());
      if (drips(shape)) { // keep dripping until the server hangs up
        vertx.setPeriodic(1000, id -> {
          if (answered.future().isComplete()) vertx.cancelTimer(id);
          else socket.write("X-Drip: x\r\n");
        });
      }
      vertx.setTimer(60_000, t -> socket.close());
    }).onFailure(answered::tryFail);
    answered.future().onComplete(ar -> {
      sent.incrementAndGet();
      String reply = ar.succeeded() ? ar.result().toString(java.nio.charset.StandardCharsets.ISO_8859_1) : "";
      boolean ok = ar.succeeded() && reply.startsWith(shape.expected());
      if (shape.name().equals("oversized WebSocket frame")) ok = ok && reply.contains("\u0088") && reply.contains("\u0003\u00f1");
      if (shape.name().equals("HTTP/2 preface")) ok = ok && !reply.startsWith("HTTP/1.1 5") && reply.matches("(?s)HTTP/\\S+ (4\\d\\d|501).*");
      if (shape.name().equals("dripped headers")) ok = ok && reply.isEmpty();
      // the first request answered, the second's dripped headers cut off by the deadline unanswered
      if (shape.name().equals("dripped second request")) ok = ok && reply.split("HTTP/1\\.1 ", -1).length == 2;
      if (!ok) surprises.add(shape.name() + " -> " + (ar.failed() ? ar.cause() : reply.lines().findFirst().orElse("(closed)")));
      vertx.setTimer(100, t -> hostile(vertx, raw, host, port, on, sent, surprises));
    });
  }

  /** Shapes that keep sending header lines until the server hangs up. */
  private static boolean drips(Shape shape) {
    return shape.expected().isEmpty() || shape.name().equals("dripped second request");
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
