package io.brinjal.api;

import io.brinjal.execution.TaskEngine;
import io.brinjal.store.TaskQuery;
import io.brinjal.task.TaskStatus;
import io.brinjal.wire.ApiException;
import io.brinjal.wire.TaskJson;
import io.brinjal.wire.TaskListChunks;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /queue} in pages or as one stream. The body is always a JSON array (brinjal
 * clients keep working); what is held in memory is at most one page, however long the queue.
 */
final class QueueListing {
  static final int MAX_LIMIT = 1000;

  private QueueListing() {}

  /** The query string of a listing, checked: a bad value is a 422 naming it. */
  record Request(Integer limit, long after, Set<TaskStatus> statuses) {
    static Request of(RoutingContext ctx) {
      Integer limit = null;
      String rawLimit = single(ctx, "limit");
      if (rawLimit != null) {
        try {
          limit = Integer.parseInt(rawLimit.trim());
        } catch (NumberFormatException e) {
          limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
          throw new ApiException(422, "limit must be an integer from 1 to " + MAX_LIMIT + ", got \"" + rawLimit + "\"");
        }
      }
      long after = 0;
      String rawAfter = single(ctx, "after");
      if (rawAfter != null) {
        try {
          after = Long.parseLong(rawAfter.trim());
        } catch (NumberFormatException e) {
          after = -1;
        }
        if (after < 0) throw new ApiException(422, "after must be the cursor of a Link this server sent, got \"" + rawAfter + "\"");
      }
      String rawStatus = single(ctx, "status");
      Set<TaskStatus> statuses = EnumSet.noneOf(TaskStatus.class);
      if (rawStatus != null) {
        for (String part : rawStatus.split(",")) {
          TaskStatus status = TaskStatus.fromWire(part.trim());
          if (status == null) {
            throw new ApiException(422, "status must be one or more of " + wireNames() + " separated by commas, got \""
                + rawStatus + "\"");
          }
          statuses.add(status);
        }
      }
      return new Request(limit, after, statuses);
    }

    TaskQuery query(int pageSize) {
      return new TaskQuery(statuses, after, Long.MAX_VALUE, pageSize);
    }

    private static String single(RoutingContext ctx, String name) {
      List<String> values = ctx.queryParam(name);
      if (values.isEmpty()) return null;
      if (values.size() > 1) throw new ApiException(422, name + " is given more than once");
      return values.get(0);
    }

    private static String wireNames() {
      List<String> names = new ArrayList<>();
      for (TaskStatus s : TaskStatus.values()) names.add(s.wire());
      return String.join(", ", names);
    }
  }

  static void replyPage(RoutingContext ctx, Request request, TaskEngine.ViewPage page) {
    if (page.more()) {
      StringBuilder next = new StringBuilder(ctx.request().path()).append("?limit=").append(request.limit())
          .append("&after=").append(page.lastSeq());
      if (!request.statuses().isEmpty()) next.append("&status=").append(String.join(",",
          request.statuses().stream().map(TaskStatus::wire).toList()));
      ctx.response().putHeader("Link", "<" + next + ">; rel=\"next\"");
    }
    Replies.json(ctx, 200, "[" + TaskJson.join(page.tasks()) + "]");
  }

  /**
   * The whole list, a page at a time, each page read only when the client has taken the one
   * before. If the store fails half way the connection is cut, so a truncated array can never
   * pass for a complete one.
   */
  static void streamAll(RoutingContext ctx, TaskListChunks chunks) {
    HttpServerResponse response = ctx.response();
    response.setChunked(true).putHeader("Content-Type", "application/json");
    response.write("[");
    pump(response, chunks);
  }

  private static void pump(HttpServerResponse response, TaskListChunks chunks) {
    if (response.closed()) return;
    if (response.writeQueueFull()) {
      response.drainHandler(v -> pump(response, chunks));
      return;
    }
    chunks.next().onComplete(ar -> {
      if (response.closed()) return;
      if (ar.failed()) {
        response.reset();
        return;
      }
      if (ar.result() == null) {
        response.end("]");
        return;
      }
      if (!ar.result().isEmpty()) response.write(ar.result());
      pump(response, chunks);
    });
  }
}
