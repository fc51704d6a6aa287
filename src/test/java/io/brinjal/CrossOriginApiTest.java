package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.support.HttpProbe;
import io.brinjal.support.RawSocket;
import io.brinjal.support.Reply;
import io.brinjal.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Writes and WebSockets from other sites, the server's own origin, and CORS for listed ones. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrossOriginApiTest {
  private static final String EVIL = "http://evil.example";
  private static final String APP = "http://app.example";

  private static String own(HttpProbe http) {
    return "http://127.0.0.1:" + http.port();
  }

  @Test
  void aPageOnAnotherSiteCannotWriteWhileAuthIsOff(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    // the shapes a page can send without a preflight: text/plain or no body, any origin
    Reply task = http.send(HttpMethod.POST, "/sleep_task?sleep_time=1", "", Map.of("Origin", EVIL, "Content-Type", "text/plain"));
    assertEquals(403, task.status());
    assertTrue(task.detail().contains("cors.allowed_origins"), task.detail());
    Reply schedule = http.send(HttpMethod.POST, "/recurring/NoopTask?cron_expression=@daily&max_concurrent=10000", null,
        Map.of("Origin", EVIL));
    assertEquals(403, schedule.status());
    assertEquals(403, http.send(HttpMethod.DELETE, "/completed", null, Map.of("Origin", "null")).status());

    assertEquals(0, http.get("/queue").json().size(), "nothing was created");
    assertEquals(0, http.get("/recurring").json().size(), "no schedule was stored");
    // programs send no Origin; the server's own pages send their own
    assertEquals(200, http.post("/noop_task").status());
    assertEquals(200, http.send(HttpMethod.POST, "/noop_task", null, Map.of("Origin", own(http))).status());
  }

  @Test
  void aWebSocketHandshakeFromAnotherSiteIsRefused(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    try (RawSocket raw = RawSocket.open(http.port())) {
      String head = raw.upgrade("/ws", "Origin: " + EVIL + "\r\n");
      assertTrue(head.startsWith("HTTP/1.1 403"), head);
    }
    try (RawSocket raw = RawSocket.open(http.port())) {
      String head = raw.upgrade("/ws", "Origin: " + own(http) + "\r\n");
      assertTrue(head.startsWith("HTTP/1.1 101"), head);
    }
  }

  @Test
  void listingOtherOriginsNeverLocksOutTheServersOwn(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"cors\": {\"allowed_origins\": [\"" + APP + "\"]}}").http();
    assertEquals(200, http.send(HttpMethod.POST, "/noop_task", null, Map.of("Origin", own(http))).status());
    assertEquals(200, http.send(HttpMethod.GET, "/queue", null, Map.of("Origin", own(http))).status());
    try (RawSocket raw = RawSocket.open(http.port())) {
      String head = raw.upgrade("/ws", "Origin: " + own(http) + "\r\n");
      assertTrue(head.startsWith("HTTP/1.1 101"), head);
    }
    // behind a proxy that passes the public host on
    assertEquals(200, http.send(HttpMethod.POST, "/noop_task", null,
        Map.of("Origin", "https://tasks.example.org", "X-Forwarded-Host", "tasks.example.org")).status());
    Reply refused = http.send(HttpMethod.POST, "/noop_task", null, Map.of("Origin", EVIL));
    assertEquals(403, refused.status());
    assertTrue(refused.detail().contains(EVIL), refused.detail());
    Reply read = http.send(HttpMethod.GET, "/queue", null, Map.of("Origin", EVIL));
    assertNull(read.headers().get("Access-Control-Allow-Origin"));
    assertTrue(read.status() != 403 || !read.detail().isBlank(), "a refusal says why: " + read);
  }

  @Test
  void listedOriginsGetCredentialsByDefaultAndAWildcardNever(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"cors\": {\"allowed_origins\": [\"" + APP + "\"]}}").http();
    Reply credentialed = http.send(HttpMethod.GET, "/queue", null, Map.of("Origin", APP, "Cookie", "session=1"));
    assertEquals(APP, credentialed.headers().get("Access-Control-Allow-Origin"));
    assertEquals("true", credentialed.headers().get("Access-Control-Allow-Credentials"));
    Reply write = http.send(HttpMethod.POST, "/noop_task", null, Map.of("Origin", APP));
    assertEquals(200, write.status());
    assertEquals("true", write.headers().get("Access-Control-Allow-Credentials"));

    HttpProbe any = TestServer.start(vertx, "{\"cors\": {\"allowed_origins\": [\"*\"]}}").http();
    Reply anywhere = any.send(HttpMethod.GET, "/queue", null, Map.of("Origin", EVIL));
    assertEquals(200, anywhere.status());
    assertNull(anywhere.headers().get("Access-Control-Allow-Credentials"));
  }

  @Test
  void jsonRoutesRefuseOtherContentTypesEvenWithoutABody(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
      Reply reply = http.send(HttpMethod.POST, "/noop_task", null, Map.of("Content-Type", type));
      assertEquals(415, reply.status(), type);
      assertTrue(reply.detail().contains("application/json"), reply.detail());
    }
    assertEquals(415, http.send(HttpMethod.POST, "/recurring/NoopTask?cron_expression=@daily", null,
        Map.of("Content-Type", "text/plain")).status());
    assertEquals(200, http.send(HttpMethod.POST, "/noop_task", null, Map.of("Content-Type", "application/json")).status());
    assertEquals(200, http.post("/noop_task").status(), "brinjal's frontends: no body, no Content-Type");
  }
}
