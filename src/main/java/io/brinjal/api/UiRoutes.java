package io.brinjal.api;

import io.brinjal.wire.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The web UI, under the same prefix as the API: the dashboard at {@code GET /}, the demo page at
 * {@code GET /test}, the assets ({@code TaskList.js} and its friends) at {@code GET /static/*}, and
 * the API docs page ({@link DocsRoutes}).
 * Pages refer to everything with relative URLs, so they work under any mount prefix.
 */
public final class UiRoutes {
  private static final String ROOT = "io/brinjal/ui/";
  private static final Buffer DASHBOARD = resource(ROOT + "dashboard.html");
  private static final Buffer DEMO = resource(ROOT + "test.html");

  /**
   * Scripts and styles only from this server, no inline code: a task's text that slipped into
   * the markup could not run. Images may come from anywhere a task points ({@code img}).
   */
  static final String CONTENT_SECURITY_POLICY = String.join("; ",
      "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: https: http:",
      "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'self'");

  private UiRoutes() {}

  /** Adds the UI routes; call before the {@code /:task_id} patterns. */
  public static void mount(Router r) {
    StaticHandler assets = StaticHandler.create(ROOT + "static")
        .setAlwaysAsyncFS(true)      // never touch the disk on the event loop
        .setDirectoryListing(false); // a folder is not a file: it falls through to the 404 below
    r.get("/").handler(ctx -> page(ctx, DASHBOARD));
    r.get("/test").handler(ctx -> page(ctx, DEMO));
    DocsRoutes.mountPage(r);
    r.get("/static/*")
        .handler(UiRoutes::refuseEscapes)
        .handler(assets)
        .handler(ctx -> {
          throw new ApiException(404, "no such file: " + ctx.request().path());
        });
  }

  /**
   * For a server that mounts the router at {@code /api/tasks/*}: {@code GET /api/tasks} answers
   * with a redirect to {@code /api/tasks/}, so the dashboard's relative URLs land under the
   * prefix. The Location is relative, so it stays right behind a proxy that rewrites the path.
   */
  public static void redirectToDirectory(RoutingContext ctx) {
    String path = ctx.request().path();
    if (path.endsWith("/")) { // Vert.x matches "/prefix" to "/prefix/" too: that one is the dashboard itself
      ctx.next();
      return;
    }
    String query = ctx.request().query();
    String last = path.substring(path.lastIndexOf('/') + 1);
    ctx.response().setStatusCode(301).putHeader("Location", last + "/" + (query == null ? "" : "?" + query)).end();
  }

  static void page(RoutingContext ctx, Buffer html) {
    HttpServerResponse response = ctx.response();
    securityHeaders(response);
    response.putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .end(html);
  }

  /**
   * {@code ..} never reaches the files: a request that tries (encoded, or with a backslash) is
   * refused outright rather than quietly served something else.
   */
  private static void refuseEscapes(RoutingContext ctx) {
    String raw = ctx.request().path();
    String decoded;
    try {
      decoded = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "malformed path");
    }
    for (String segment : decoded.split("[/\\\\]", -1)) {
      if (segment.equals("..") || segment.indexOf('\0') >= 0) {
        throw new ApiException(403, "path escapes the static folder");
      }
    }
    securityHeaders(ctx.response());
    ctx.response().putHeader("Cache-Control", "no-cache"); // revalidate: an upgrade shows at once
    ctx.next();
  }

  static void securityHeaders(HttpServerResponse response) {
    response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "SAMEORIGIN")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin")
        .putHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
  }

  static Buffer resource(String name) {
    try (InputStream in = UiRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing UI resource " + name);
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
