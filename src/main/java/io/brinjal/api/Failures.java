package io.brinjal.api;

import io.brinjal.wire.ApiException;
import io.brinjal.execution.ConflictException;
import io.brinjal.execution.KeyReusedException;
import io.brinjal.execution.NotFoundException;
import io.brinjal.execution.TooBusyException;
import io.brinjal.store.StoreUnavailableException;
import io.brinjal.task.InvalidParameterException;
import io.brinjal.task.TaskType;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place errors become responses: {@code {"detail": ...}} with an honest status. Client
 * mistakes are logged without stack traces; only real bugs are logged as errors and become 500,
 * whose detail never carries internals.
 */
public final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  static final int STORE_RETRY_AFTER_SECONDS = 5;

  private Failures() {}

  public static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (ctx.response().ended() || ctx.response().closed()) return;
    if (failure instanceof io.vertx.core.http.HttpClosedException) return; // the client left
    if (failure instanceof ApiException e) {
      Replies.detail(ctx, e.status(), e.detail());
    } else if (failure instanceof InvalidParameterException e) {
      Replies.detail(ctx, 422, e.getMessage());
    } else if (failure instanceof NotFoundException e) {
      Replies.detail(ctx, 404, e.getMessage());
    } else if (failure instanceof TooBusyException e) {
      ctx.response().putHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
      Replies.detail(ctx, 429, "too busy: " + e.getMessage() + "; retry after " + e.retryAfterSeconds() + " s");
    } else if (failure instanceof ConflictException e) {
      Replies.detail(ctx, 409, e.getMessage());
    } else if (failure instanceof KeyReusedException e) {
      Replies.detail(ctx, 422, e.getMessage());
    } else if (failure instanceof TaskType.TaskConstructionException e) {
      LOG.error("task construction failed", e);
      Replies.detail(ctx, 500, e.getMessage());
    } else if (failure instanceof StoreUnavailableException e) {
      // the server cannot hold the change (a disk, a database, not a bug): refused, nothing half done
      LOG.error("{} {}: {}", ctx.request().method(), printable(ctx.request().path()), e.getMessage());
      ctx.response().putHeader("Retry-After", Integer.toString(STORE_RETRY_AFTER_SECONDS));
      Replies.detail(ctx, 503, "the task store cannot be written or read right now (the server log says why);"
          + " nothing of this request was stored; retry in " + STORE_RETRY_AFTER_SECONDS + " s");
    } else if (failure instanceof IllegalStateException e && "the engine is closed".equals(e.getMessage())) {
      ctx.response().putHeader("Retry-After", "5");
      Replies.detail(ctx, 503, "the server is shutting down");
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      Replies.detail(ctx, ctx.statusCode(), clientErrorDetail(ctx.statusCode(), ctx));
    } else if (failure instanceof io.vertx.ext.web.handler.HttpException e && e.getStatusCode() < 500) {
      Replies.detail(ctx, e.getStatusCode(), clientErrorDetail(e.getStatusCode(), ctx));
    } else if (failure instanceof IllegalArgumentException) {
      // Vert.x Web's own parsing of a malformed path or query string
      Replies.detail(ctx, 400, clientErrorDetail(400, ctx));
    } else {
      LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
      Replies.detail(ctx, 500, "internal server error");
    }
  }

  /** Vert.x Web's own 4xx (routing, body limits) carry no message: give them one. */
  static String clientErrorDetail(int status, RoutingContext ctx) {
    return switch (status) {
      case 400 -> "bad request: malformed path, query string or headers";
      case 404 -> "no route for " + ctx.request().method() + " " + printable(ctx.request().path());
      case 405 -> "method " + ctx.request().method() + " is not allowed on " + printable(ctx.request().path());
      case 413 -> "request body is too large (limits.max_body_bytes)";
      case 415 -> "unsupported content type";
      default -> "request refused";
    };
  }

  /** A path as it may appear in a detail: bounded, without control characters. */
  private static String printable(String path) {
    if (path == null) return "";
    String clean = path.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 200 ? clean.substring(0, 200) + "…" : clean;
  }

  /** Gives a router the JSON error answers, for failures that never reach a route. */
  public static void install(io.vertx.ext.web.Router router) {
    router.route().failureHandler(Failures::handle);
    // the status is passed along: for failures with an exception, ctx.statusCode() is -1 here
    for (int status : new int[] {400, 404, 405, 413, 415}) {
      router.errorHandler(status, ctx -> Replies.detail(ctx, status, clientErrorDetail(status, ctx)));
    }
    router.errorHandler(500, Failures::handle);
  }
}
