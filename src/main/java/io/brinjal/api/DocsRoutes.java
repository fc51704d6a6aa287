package io.brinjal.api;

import io.brinjal.wire.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.Set;

/**
 * The API's own description: {@code GET /openapi.json} (behind the token, like the data it
 * describes) and the interactive page {@code GET /docs} with its files under {@code /docs/*}
 * (code, no data, so answered without a token like the rest of the UI). Swagger UI comes from
 * its webjar in our jar: nothing is loaded from anywhere else.
 */
final class DocsRoutes {
  private static final String SWAGGER_ROOT = "META-INF/resources/webjars/swagger-ui/" + webjarVersion();
  private static final Set<String> SWAGGER_FILES = Set.of("swagger-ui-bundle.js", "swagger-ui.css");
  private static final Set<String> OWN_FILES = Set.of("docs.js", "docs.css");
  private static final Buffer PAGE = UiRoutes.resource("io/brinjal/ui/docs.html");

  private DocsRoutes() {}

  /** The page and its files; call with the UI routes, before the token check. */
  static void mountPage(Router r) {
    StaticHandler swagger = StaticHandler.create(SWAGGER_ROOT).setAlwaysAsyncFS(true).setDirectoryListing(false);
    StaticHandler own = StaticHandler.create("io/brinjal/ui/docs").setAlwaysAsyncFS(true).setDirectoryListing(false);
    // the UI's Content-Security-Policy as it is: Swagger UI needs no inline script or style
    // (React sets styles through the CSSOM, which the policy does not govern); DocsBrowserTest
    // fails on any violation
    r.get("/docs").handler(ctx -> {
      if (ctx.request().path().endsWith("/")) { // the router lets /docs/ in: its relative URLs would miss
        ctx.response().setStatusCode(301).putHeader("Location", "../docs").end();
        return;
      }
      UiRoutes.page(ctx, PAGE);
    });
    r.get("/docs/*").handler(ctx -> {
      String file = ctx.pathParam("*"); // what follows /docs/
      // only the files the page uses: the webjar's own index.html would load the petstore
      if (!SWAGGER_FILES.contains(file) && !OWN_FILES.contains(file)) {
        throw new ApiException(404, "no such file: " + ctx.request().path());
      }
      UiRoutes.securityHeaders(ctx.response());
      ctx.response().putHeader("Cache-Control", "no-cache");
      if (OWN_FILES.contains(file)) own.handle(ctx);
      else swagger.handle(ctx);
    });
  }

  /** {@code GET /openapi.json}; call after the token check. */
  static void mountDocument(Router r, OpenApiDocument document) {
    r.get("/openapi.json").handler(ctx -> Replies.json(ctx, 200, document.json()));
  }

  private static String webjarVersion() {
    String name = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
    try (InputStream in = DocsRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("the swagger-ui webjar is missing (" + name + ")");
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
