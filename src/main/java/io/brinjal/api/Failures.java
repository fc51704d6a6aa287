package io.brinjal.api;

import io.brinjal.execution.ConflictException;
import io.brinjal.execution.NotFoundException;
import io.brinjal.execution.TooBusyException;
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

  private Failures() {}

  public static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (ctx.response().ended()) return;
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
    } else if (failure instanceof TaskType.TaskConstructionException e) {
      LOG.error("task construction failed", e);
      Replies.detail(ctx, 500, e.getMessage());
    } else if (failure instanceof IllegalStateException e && "the engine is closed".equals(e.getMessage())) {
      ctx.response().putHeader("Retry-After", "5");
      Replies.detail(ctx, 503, "the server is shutting down");
    } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      Replies.detail(ctx, ctx.statusCode(), clientErrorDetail(ctx));
    } else {
      LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
      Replies.detail(ctx, 500, "internal server error");
    }
  }

  /** Vert.x Web's own 4xx (routing, body limits) carry no message: give them one. */
  static String clientErrorDetail(RoutingContext ctx) {
    return switch (ctx.statusCode()) {
      case 400 -> "bad request";
      case 404 -> "no route for " + ctx.request().method() + " " + ctx.request().path();
      case 405 -> "method " + ctx.request().method() + " is not allowed on " + ctx.request().path();
      case 413 -> "request body is too large (limits.max_body_bytes)";
      case 415 -> "unsupported content type";
      default -> "request refused";
    };
  }

  /** For routers' errorHandler(404/405): unmatched routes get the same JSON shape. */
  public static void unmatched(RoutingContext ctx) {
    Replies.detail(ctx, ctx.statusCode(), clientErrorDetail(ctx));
  }
}
