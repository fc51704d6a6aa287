package io.brinjal.api;

import io.brinjal.wire.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.execution.NotFoundException;
import io.brinjal.execution.SemaphoreState;
import io.brinjal.execution.TaskEngine;
import io.brinjal.json.Json;
import io.brinjal.recurring.RecurringScheduler;
import io.brinjal.streaming.StreamService;
import io.brinjal.task.TaskRegistry;
import io.brinjal.task.TaskType;
import io.brinjal.wire.TaskJson;
import io.brinjal.wire.TaskListChunks;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The brinjal-compatible HTTP API as a {@link Router} that can be mounted under any prefix.
 * Literal paths are registered before the {@code /:task_id} and {@code /:task_route} patterns.
 */
public final class TaskRoutes {
  private final TaskEngine engine;
  private final StreamService streams;

  private TaskRoutes(TaskEngine engine, StreamService streams) {
    this.engine = engine;
    this.streams = streams;
  }

  public static Router create(Vertx vertx, TaskEngine engine, StreamService streams, RecurringScheduler scheduler) {
    TaskRoutes routes = new TaskRoutes(engine, streams);
    Router r = Router.router(vertx);
    var config = engine.config();
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.limits().maxBodyBytes());
    UiRoutes.mount(r); // GET /, /test, /static/*: code, no data, so before the token check (the page asks for one)
    r.route().handler(new Origins(config.cors())::guard);
    Cors.handler(config.cors()).ifPresent(cors -> r.route().handler(cors));
    AccessGuard guard = AccessGuard.of(config.auth().token(), "brinjal");
    if (guard.enabled()) r.route().handler(guard::check);

    r.get("/queue").handler(routes::handleQueue);
    r.get("/queue/stream").handler(streams::handleQueueStream);
    r.get("/task_types").handler(routes::handleTaskTypes);
    r.get("/semaphores").handler(routes::handleSemaphores);
    r.patch("/semaphores/:name").handler(body).handler(routes::handleChangeSemaphore);
    r.get("/ws").handler(streams::handleWebSocket);
    DocsRoutes.mountDocument(r, new OpenApiDocument(engine));
    r.post("/search").handler(body).handler(routes::handleSearch);
    r.delete("/completed").handler(routes::handleDeleteCompleted);
    RecurringRoutes.mount(r, body, scheduler);

    r.get("/:task_id/stream").handler(streams::handleTaskStream);
    r.post("/:task_id/cancel").handler(routes::handleCancel);
    r.get("/:task_id").handler(routes::handleGet);
    r.delete("/:task_id").handler(routes::handleDelete);
    r.post("/:task_route").handler(body).handler(routes::handleCreate);

    Failures.install(r);
    return r;
  }

  private void handleCreate(RoutingContext ctx) {
    String route = ctx.pathParam("task_route");
    refuseLiteral(ctx, route);
    ObjectNode params = JsonBodies.object(ctx, false);
    engine.submit(route, params, taskParams(ctx, Set.of()), JobHeaders.options(ctx.request()))
        .onSuccess(submitted -> {
          ObjectNode out = Json.object();
          out.put("task_id", submitted.taskId());
          if (submitted.replayed()) ctx.response().putHeader(JobHeaders.REPLAYED, "true");
          Replies.json(ctx, 200, out);
        })
        .onFailure(ctx::fail);
  }

  /**
   * {@code GET /queue}: every task, oldest first, streamed from the store a page at a time; with
   * {@code limit}, one page and a {@code Link: <…>; rel="next"} header while more follow
   * ({@code after} is the cursor it carries). {@code status} narrows either to some statuses.
   */
  private void handleQueue(RoutingContext ctx) {
    QueueListing.Request request = QueueListing.Request.of(ctx);
    if (request.limit() == null) {
      QueueListing.streamAll(ctx, new TaskListChunks(engine, request.query(TaskListChunks.PAGE)));
      return;
    }
    engine.page(request.query(request.limit()))
        .onSuccess(page -> QueueListing.replyPage(ctx, request, page))
        .onFailure(ctx::fail);
  }

  private void handleTaskTypes(RoutingContext ctx) {
    ArrayNode out = Json.NODES.arrayNode();
    for (TaskType type : engine.registry().all()) {
      ObjectNode o = out.addObject();
      o.put("name", type.name());
      o.put("route", type.route());
      o.put("semaphore", engine.semaphoreFor(type.declaredSemaphore()));
      o.put("description", type.description());
      ArrayNode params = o.putArray("params");
      type.params().values().forEach(p -> params.add(p.describe()));
    }
    Replies.json(ctx, 200, Json.encode(out));
  }

  private void handleSemaphores(RoutingContext ctx) {
    engine.semaphores().onSuccess(list -> Replies.json(ctx, 200, Json.encode(list))).onFailure(ctx::fail);
  }

  /** The most a semaphore may be set to at run time (each permit is a worker thread). */
  static final int MAX_LIMIT = 10_000;

  /**
   * {@code PATCH /semaphores/{name}} with {@code {"limit": N}}, {@code {"per_key": M}} or both:
   * the semaphore's new state.
   */
  private void handleChangeSemaphore(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!engine.hasSemaphore(name)) throw new NotFoundException("no semaphore named '" + name + "'");
    ObjectNode body = JsonBodies.object(ctx, true);
    body.fieldNames().forEachRemaining(field -> {
      if (!field.equals("limit") && !field.equals("per_key")) {
        throw new ApiException(422, "unknown field '" + field + "': only limit and per_key can be changed");
      }
    });
    Integer limit = optionalCount(body, "limit", 1);
    Integer perKey = optionalCount(body, "per_key", 0);
    if (limit == null && perKey == null) {
      throw new ApiException(422, "limit (an integer from 1 to " + MAX_LIMIT + ") or per_key (0 for none, up to "
          + MAX_LIMIT + ") is required");
    }
    Future<SemaphoreState> changed = limit == null ? engine.changePerKey(name, perKey)
        : perKey == null ? engine.resize(name, limit)
        : engine.resize(name, limit).compose(v -> engine.changePerKey(name, perKey));
    changed.onSuccess(state -> Replies.json(ctx, 200, Json.encode(state))).onFailure(ctx::fail);
  }

  /** An integer field from {@code min} to {@link #MAX_LIMIT}, or null when absent. */
  private static Integer optionalCount(ObjectNode body, String field, int min) {
    JsonNode v = body.get(field);
    if (v == null) return null;
    if (v.isNull() || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > MAX_LIMIT) {
      throw new ApiException(422, field + " must be an integer from " + min + " to " + MAX_LIMIT + ", got " + v);
    }
    return v.intValue();
  }

  private void handleSearch(RoutingContext ctx) {
    ObjectNode criteria = JsonBodies.object(ctx, true);
    engine.search(criteria)
        .onSuccess(ids -> {
          ObjectNode out = Json.object();
          var taskIds = out.putArray("task_ids");
          ids.forEach(taskIds::add);
          Replies.json(ctx, 200, out);
        })
        .onFailure(ctx::fail);
  }

  private void handleDeleteCompleted(RoutingContext ctx) {
    engine.deleteCompleted()
        .onSuccess(count -> {
          ObjectNode out = Json.object();
          // brinjal's texts
          out.put("message", count == 0 ? "No completed tasks found" : "Deleted " + count + " completed task(s)");
          out.put("deleted_count", count);
          out.put("failed_count", 0);
          out.putArray("failed_task_ids");
          Replies.json(ctx, 200, out);
        })
        .onFailure(ctx::fail);
  }

  private void handleGet(RoutingContext ctx) {
    String id = ctx.pathParam("task_id");
    refuseLiteral(ctx, id);
    engine.view(id).onSuccess(view -> Replies.json(ctx, 200, TaskJson.encode(view))).onFailure(ctx::fail);
  }

  private void handleDelete(RoutingContext ctx) {
    String id = ctx.pathParam("task_id");
    refuseLiteral(ctx, id);
    engine.delete(id)
        .onSuccess(v -> Replies.message(ctx, "Task " + id + " deleted successfully"))
        .onFailure(ctx::fail);
  }

  private void handleCancel(RoutingContext ctx) {
    String id = ctx.pathParam("task_id");
    engine.cancel(id)
        .onSuccess(status -> {
          ObjectNode out = Json.object();
          out.put("message", "Task " + id + " " + (status.isTerminal() ? "cancelled" : "is being cancelled"));
          out.put("status", status.wire());
          Replies.json(ctx, 200, out);
        })
        .onFailure(ctx::fail);
  }

  /** POST /queue or DELETE /task_types hit a pattern route: answer 405, not "no such task". */
  private static void refuseLiteral(RoutingContext ctx, String segment) {
    if (TaskRegistry.RESERVED_ROUTES.contains(segment)) {
      HttpMethod method = ctx.request().method();
      throw new ApiException(405, "method " + method + " is not allowed on " + ctx.request().path());
    }
  }

  /** The query names that are task parameters: all but {@code access_token} and {@code options}. */
  static Map<String, List<String>> taskParams(RoutingContext ctx, Collection<String> options) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String name : ctx.queryParams().names()) {
      if (!name.equals(AccessGuard.QUERY_PARAM) && !options.contains(name)) out.put(name, ctx.queryParams().getAll(name));
    }
    return out;
  }
}
