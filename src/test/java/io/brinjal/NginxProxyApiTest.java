package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.brinjal.support.WsProbe;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSE and WebSocket through a real nginx, configured with the example kept in
 * {@code deploy/nginx/brinjal.conf}. CI installs Debian's nginx; elsewhere the test is skipped
 * when nginx is missing (but never under CI, where a missing nginx is a failure).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NginxProxyApiTest {
  private static final Path NGINX = Path.of("/usr/sbin/nginx");
  @TempDir Path dir;
  private Process nginx;
  private HttpProbe direct;
  private HttpProbe proxied;

  @BeforeEach
  void startBehindNginx(Vertx vertx) throws Exception {
    if (System.getenv("CI") == null) assumeTrue(Files.isExecutable(NGINX), "nginx is not installed");
    direct = TestServer.start(vertx).http();
    int proxyPort = freePort();
    String example = Files.readString(Path.of("deploy/nginx/brinjal.conf"))
        .replace("127.0.0.1:8000", "127.0.0.1:" + direct.port())
        .replace("listen 8080;", "listen 127.0.0.1:" + proxyPort + ";");
    Files.writeString(dir.resolve("brinjal.conf"), example);
    Files.writeString(dir.resolve("nginx.conf"), String.join("\n",
        "user root;", "worker_processes 1;", "daemon off;", "pid " + dir.resolve("nginx.pid") + ";",
        "error_log " + dir.resolve("error.log") + " warn;", "events { worker_connections 256; }",
        "http {", "  access_log off;",
        "  client_body_temp_path " + dir.resolve("body") + ";", "  proxy_temp_path " + dir.resolve("proxy") + ";",
        "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";", "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
        "  scgi_temp_path " + dir.resolve("scgi") + ";",
        "  include " + dir.resolve("brinjal.conf") + ";", "}", ""));
    nginx = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> accepts(proxyPort) || !nginx.isAlive());
    if (!nginx.isAlive()) throw new AssertionError("nginx did not start: " + Files.readString(dir.resolve("stdout.log")));
    proxied = new HttpProbe(vertx, proxyPort);
  }

  @AfterEach
  void stopNginx() throws Exception {
    if (nginx != null) {
      nginx.destroy();
      nginx.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void sseEventsPassThroughOneByOneWhileTheStreamIsOpen() {
    String gate = Gates.newGate();
    String id = direct.create("step_task", "{\"gate\":\"" + gate + "\",\"steps\":2}");
    SseProbe stream = proxied.stream("/" + id + "/stream");
    // nginx consumes X-Accel-Buffering (it is addressed to nginx), so it is not checked here

    assertEquals("running", stream.next().get("status").asText());
    Gates.open(gate + "-1");
    JsonNode step = stream.next(); // small events, while the stream stays open: not buffered
    if (step.get("progress").asInt() == 0) step = stream.next(); // the body comes a moment before the progress
    assertEquals(50, step.get("progress").asInt());
    Gates.open(gate + "-2");
    var rest = stream.untilTerminal();
    assertEquals("done", rest.get(rest.size() - 1).get("status").asText());
    stream.awaitEnd();
  }

  @Test
  void thePagesOwnOriginMayWriteThroughTheProxy() {
    String own = "http://127.0.0.1:" + proxied.port(); // what a browser sends from the dashboard behind nginx
    Reply created = proxied.send(io.vertx.core.http.HttpMethod.POST, "/noop_task", null, java.util.Map.of("Origin", own));
    assertEquals(200, created.status(), created.toString());
    assertEquals(403, proxied.send(io.vertx.core.http.HttpMethod.POST, "/noop_task", null,
        java.util.Map.of("Origin", "http://evil.example")).status());
  }

  @Test
  void theWebSocketUpgradesThroughTheProxy() {
    WsProbe ws = WsProbe.connect(proxied, "/ws");
    ws.send("{\"op\":\"subscribe\",\"queue\":true}");
    ws.nextOfType("queue_updated");
    String id = proxied.create("noop_task", null);
    assertEquals(id, ws.nextOfType("task_added").get("task").get("task_id").asText());
    ws.close();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
