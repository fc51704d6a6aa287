package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
import io.brinjal.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The UI's pages and assets over HTTP: types, security headers, 404 and 403, the prefix. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UiRoutesApiTest {
  private static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\ssrc=)[^>]*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern INLINE_HANDLER = Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);

  @Test
  void theDashboardAndTheDemoPageAreHtmlUnderAStrictPolicy(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    for (String path : List.of("/", "/test")) {
      Reply page = http.get(path);
      assertEquals(200, page.status(), path);
      assertEquals("text/html; charset=utf-8", page.headers().get("Content-Type"));
      assertSecurityHeaders(page);
      assertTrue(page.body().contains("<task-list"), path);
      assertTrue(page.body().contains("src=\"static/TaskList.js\""), "relative, so any prefix works");
      assertFalse(INLINE_SCRIPT.matcher(page.body()).find(), path + " has an inline script");
      assertFalse(INLINE_HANDLER.matcher(page.body()).find(), path + " has an inline event handler");
      assertFalse(page.body().contains("style="), path + " has an inline style");
      assertFalse(page.body().contains("//cdn") || page.body().contains("https://"), path + " loads from elsewhere");
    }
    String demo = http.get("/test").body();
    for (String button : List.of("cpu", "cpu-failing", "io", "recurring")) {
      assertTrue(demo.contains("data-demo=\"" + button + "\""), button);
    }
  }

  @Test
  void assetsAreServedWithTheirTypes(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String[][] assets = {
        {"/static/TaskList.js", "text/javascript"}, {"/static/demo.js", "text/javascript"},
        {"/static/page.css", "text/css"}, {"/static/favicon.svg", "image/svg+xml"}};
    for (String[] asset : assets) {
      Reply reply = http.get(asset[0]);
      assertEquals(200, reply.status(), asset[0]);
      assertTrue(reply.headers().get("Content-Type").startsWith(asset[1]), asset[0] + ": " + reply.headers().get("Content-Type"));
      assertSecurityHeaders(reply);
      assertEquals("no-cache", reply.headers().get("Cache-Control"), "revalidated, so an upgrade shows at once");
    }
    assertTrue(http.get("/static/TaskList.js").body().contains("customElements.define('task-list'"));
  }

  @Test
  void unknownFilesAre404AndPathsThatLeaveTheFolderAre403(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    for (String path : List.of("/static/nope.js", "/static/", "/static/sub/TaskList.js", "/static/.hidden")) {
      Reply reply = http.get(path);
      assertEquals(404, reply.status(), path);
      assertTrue(reply.detail().startsWith("no such file"), reply.detail());
    }
    for (String path : List.of("/static/..%2F..%2Fpom.xml", "/static/..%5C..%5Cpom.xml", "/static/%2e%2e%2fdashboard.html",
        "/static/..%2fTaskList.js", "/static/%2E%2E%5Cconf%5Cconfig.json")) {
      Reply reply = http.get(path);
      assertEquals(403, reply.status(), path);
      assertEquals("path escapes the static folder", reply.detail());
    }
  }

  @Test
  void theUiPathsAreNotTaskRoutes(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    assertEquals(405, http.post("/test").status());
    assertEquals(405, http.post("/static").status());
    assertEquals(405, http.delete("/test").status());
  }

  @Test
  void underAPrefixTheBarePrefixLeadsToTheDashboard(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"http\": {\"prefix\": \"/api/tasks\"}}").http();
    Reply bare = http.get("/api/tasks?view=all");
    assertEquals(301, bare.status());
    assertEquals("tasks/?view=all", bare.headers().get("Location"), "relative: right behind a path-rewriting proxy too");
    assertEquals(200, http.get("/api/tasks/").status());
    assertEquals(200, http.get("/api/tasks/test").status());
    assertEquals(200, http.get("/api/tasks/static/TaskList.js").status());
    assertEquals(404, http.get("/static/TaskList.js").status());
  }

  @Test
  void withATokenThePagesStillLoadAndTheApiStillNeedsIt(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"auth\": {\"token\": \"correct-horse-battery-staple\"}}").http();
    for (String path : List.of("/", "/test", "/static/TaskList.js")) {
      assertEquals(200, http.get(path).status(), path + ": code, no data; the page asks for the token");
    }
    assertEquals(401, http.get("/queue").status());
    assertEquals(401, http.get("/semaphores").status());
  }

  /** The served scripts build their DOM from nodes and text, never by parsing HTML strings. */
  @Test
  void theScriptsNeverParseHtml() throws IOException {
    for (String name : List.of("TaskList.js", "demo.js")) {
      String source;
      try (InputStream in = getClass().getClassLoader().getResourceAsStream("io/brinjal/ui/static/" + name)) {
        source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      for (String sink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function")) {
        assertFalse(source.contains(sink), name + " uses " + sink);
      }
    }
  }

  private static void assertSecurityHeaders(Reply reply) {
    String csp = reply.headers().get("Content-Security-Policy");
    assertTrue(csp.contains("script-src 'self'"), csp);
    assertTrue(csp.contains("default-src 'none'"), csp);
    assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
    assertEquals("nosniff", reply.headers().get("X-Content-Type-Options"));
    assertEquals("no-referrer", reply.headers().get("Referrer-Policy"));
    assertEquals("SAMEORIGIN", reply.headers().get("X-Frame-Options"));
  }
}
