package io.brinjal.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.json.Json;
import io.brinjal.recurring.CronSchedule;
import io.brinjal.recurring.RecurringScheduler;
import io.brinjal.recurring.ScheduleSpec;
import io.brinjal.task.InvalidParameterException;
import io.brinjal.task.TaskType;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code /recurring} routes. Schedule options come from the query string; task parameters
 * from the JSON body and the other query names (the query wins), as in brinjal; every bad value
 * is a 422 naming it.
 */
final class RecurringRoutes {
  /** The query names that are the schedule's own (the others are task parameters), in the order documented. */
  static final List<String> CREATE_OPTIONS =
      List.of("cron_expression", "tz", "max_concurrent", "pause_after_failures", "enabled", "priority", "max_attempts");
  private static final Set<String> PREVIEW_OPTIONS = Set.of("cron_expression", "tz", "n");
  private static final int DEFAULT_PREVIEW = 5;

  private final RecurringScheduler scheduler;

  private RecurringRoutes(RecurringScheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Registers the literal {@code /recurring} paths; call before any {@code /:task_id} pattern. */
  static void mount(Router r, BodyHandler body, RecurringScheduler scheduler) {
    RecurringRoutes routes = new RecurringRoutes(scheduler);
    r.get("/recurring").handler(routes::handleList);
    r.get("/recurring/preview").handler(routes::handlePreviewExpression);
    r.post("/recurring/:task_type").handler(body).handler(routes::handleCreate);
    r.get("/recurring/:recurring_id").handler(routes::handleGet);
    r.get("/recurring/:recurring_id/preview").handler(routes::handlePreview);
    r.patch("/recurring/:recurring_id/enable").handler(routes::handleEnable);
    r.patch("/recurring/:recurring_id/disable").handler(routes::handleDisable);
    r.delete("/recurring/:recurring_id").handler(routes::handleDelete);
  }

  private void handleList(RoutingContext ctx) {
    scheduler.listJson().onSuccess(json -> Replies.json(ctx, 200, json)).onFailure(ctx::fail);
  }

  private void handleGet(RoutingContext ctx) {
    scheduler.json(ctx.pathParam("recurring_id")).onSuccess(json -> Replies.json(ctx, 200, json)).onFailure(ctx::fail);
  }

  private void handleCreate(RoutingContext ctx) {
    MultiMap query = ctx.queryParams();
    TaskType type = ScheduleSpec.taskType(scheduler.registry(), ctx.pathParam("task_type"));
    // brinjal's frontend sends the task's parameters in the query, beside the options
    ObjectNode params = type.given(JsonBodies.object(ctx, false), TaskRoutes.taskParams(ctx, CREATE_OPTIONS));
    String expression = single(query, "cron_expression");
    if (expression == null) throw new InvalidParameterException("cron_expression", "is required");
    CronSchedule cron = cron(expression, zone(query));
    ScheduleSpec spec = ScheduleSpec.define(type, params, cron,
        integer(query, "max_concurrent", 1), integerOrNull(query, "pause_after_failures"), bool(query, "enabled", true),
        integer(query, "priority", 0), integerOrNull(query, "max_attempts"));
    scheduler.create(spec)
        .onSuccess(created -> {
          String id = created.get("recurring_id").asText();
          String next = created.get("next_run").asText(null);
          ObjectNode out = Json.object();
          out.put("recurring_id", id);
          out.put("message", "Recurring " + spec.type().name() + " scheduled at '" + cron.expression() + "' ("
              + cron.zone().getId() + "): " + (next == null ? "disabled" : "first run at " + next));
          out.put("next_run", next);
          Replies.json(ctx, 200, out);
        })
        .onFailure(ctx::fail);
  }

  private void handleEnable(RoutingContext ctx) {
    String id = ctx.pathParam("recurring_id");
    scheduler.enable(id).onSuccess(changed -> replyToggled(ctx, id, "enabled", changed)).onFailure(ctx::fail);
  }

  private void handleDisable(RoutingContext ctx) {
    String id = ctx.pathParam("recurring_id");
    scheduler.disable(id).onSuccess(changed -> replyToggled(ctx, id, "disabled", changed)).onFailure(ctx::fail);
  }

  /** brinjal's text, which clients match on, even when nothing changed; {@code changed} says whether it did. */
  private static void replyToggled(RoutingContext ctx, String id, String state, boolean changed) {
    ObjectNode out = Json.object();
    out.put("message", "Recurring task " + id + " " + state + " successfully");
    out.put("changed", changed);
    Replies.json(ctx, 200, out);
  }

  private void handleDelete(RoutingContext ctx) {
    String id = ctx.pathParam("recurring_id");
    scheduler.delete(id)
        .onSuccess(v -> Replies.message(ctx, "Recurring task " + id + " deleted successfully"))
        .onFailure(ctx::fail);
  }

  private void handlePreview(RoutingContext ctx) {
    onlyOptions(ctx.queryParams(), Set.of("n"), "");
    scheduler.preview(ctx.pathParam("recurring_id"), count(ctx.queryParams()))
        .onSuccess(json -> Replies.json(ctx, 200, json))
        .onFailure(ctx::fail);
  }

  /** Checks an expression before anything is registered. */
  private void handlePreviewExpression(RoutingContext ctx) {
    MultiMap query = ctx.queryParams();
    onlyOptions(query, PREVIEW_OPTIONS, "");
    String expression = single(query, "cron_expression");
    if (expression == null) throw new InvalidParameterException("cron_expression", "is required");
    CronSchedule cron = cron(expression, zone(query));
    Replies.json(ctx, 200, RecurringScheduler.previewJson(cron, scheduler.now(), count(query)));
  }

  private ZoneId zone(MultiMap query) {
    String tz = single(query, "tz");
    if (tz == null) return scheduler.defaultZone();
    try {
      return CronSchedule.zone(tz);
    } catch (IllegalArgumentException e) {
      throw new InvalidParameterException("tz", "'" + tz + "' " + e.getMessage());
    }
  }

  private static CronSchedule cron(String expression, ZoneId zone) {
    try {
      return CronSchedule.parse(expression, zone);
    } catch (IllegalArgumentException e) {
      throw new InvalidParameterException("cron_expression", "'" + expression + "' " + e.getMessage());
    }
  }

  private static int count(MultiMap query) {
    int n = integer(query, "n", DEFAULT_PREVIEW);
    if (n < 1 || n > RecurringScheduler.MAX_PREVIEW) {
      throw new InvalidParameterException("n", "must be from 1 to " + RecurringScheduler.MAX_PREVIEW + ", got " + n);
    }
    return n;
  }

  private static void onlyOptions(MultiMap query, Set<String> known, String hint) {
    for (String name : query.names()) {
      if (!known.contains(name) && !name.equals(AccessGuard.QUERY_PARAM)) {
        throw new InvalidParameterException(name, "is not an option here (known: "
            + String.join(", ", known.stream().sorted().toList()) + ")" + hint);
      }
    }
  }

  private static String single(MultiMap query, String name) {
    List<String> values = query.getAll(name);
    if (values.isEmpty()) return null;
    if (values.size() > 1) throw new InvalidParameterException(name, "is given more than once");
    return values.get(0);
  }

  private static int integer(MultiMap query, String name, int fallback) {
    Integer value = integerOrNull(query, name);
    return value == null ? fallback : value;
  }

  private static Integer integerOrNull(MultiMap query, String name) {
    String raw = single(query, name);
    if (raw == null) return null;
    try {
      return Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw new InvalidParameterException(name, "must be an integer, got '" + raw + "'");
    }
  }

  private static boolean bool(MultiMap query, String name, boolean fallback) {
    String raw = single(query, name);
    if (raw == null) return fallback;
    return switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new InvalidParameterException(name, "must be true or false, got '" + raw + "'");
    };
  }
}
