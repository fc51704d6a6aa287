package io.brinjal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.execution.JobOptions;
import io.brinjal.execution.TaskEngine;
import io.brinjal.json.Json;
import io.brinjal.recurring.ScheduleSpec;
import io.brinjal.task.ParamSpec;
import io.brinjal.task.TaskType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The OpenAPI 3.1 document of {@code GET /openapi.json}. The fixed routes, schemas and error
 * responses come from {@code openapi-base.json}; each registered task type adds its create
 * operation and its recurring create operation, with its parameters as query parameters and as
 * a JSON body schema. Built per request from the live registry, so a type registered later is
 * in the next answer. With {@code auth.token} set, every operation not marked public gets the
 * bearer scheme and its {@code 401}.
 */
final class OpenApiDocument {
  private static final ObjectNode BASE = load("io/brinjal/openapi/openapi-base.json");
  private final TaskEngine engine;

  OpenApiDocument(TaskEngine engine) {
    this.engine = engine;
  }

  /** The document as JSON text. */
  String json() {
    ObjectNode doc = BASE.deepCopy();
    ObjectNode paths = (ObjectNode) doc.get("paths");
    ObjectNode schemas = (ObjectNode) doc.get("components").get("schemas");
    for (TaskType type : engine.registry().all()) {
      schemas.set(paramsSchemaName(type), paramsSchema(type));
      paths.putObject("/" + type.route()).set("post", createOperation(type));
      paths.putObject("/recurring/" + type.name()).set("post", scheduleOperation(type));
    }
    var auth = engine.config().auth();
    if (!auth.token().isEmpty()) requireToken(doc, paths);
    if (!auth.token().isEmpty() || !auth.metricsToken().isEmpty()) {
      bearerScheme(doc);
      protect((ObjectNode) paths.get("/metrics").get("get"));
    } else { // open: say so once for every operation, and leave out the 401 answer
      doc.putArray("security");
      ObjectNode components = (ObjectNode) doc.get("components");
      ((ObjectNode) components.get("responses")).remove("Unauthorized");
      ((ObjectNode) components.get("headers")).remove("WWW-Authenticate");
    }
    return Json.encodeTree(doc);
  }

  // ---------------------------------------------------------------- task types

  private ObjectNode createOperation(TaskType type) {
    String semaphore = engine.semaphoreFor(type.declaredSemaphore());
    ObjectNode op = Json.object();
    op.putArray("tags").add("tasks");
    op.put("summary", "Create and queue a " + type.name());
    op.put("description", (type.description().isEmpty() ? "" : type.description() + ". ")
        + "Parameters from the JSON body and/or the query string (the query wins); omitted ones keep their defaults. "
        + "Runs under the semaphore `" + semaphore + "`.");
    op.put("operationId", "create" + type.name());
    ArrayNode params = op.putArray("parameters");
    type.params().values().forEach(p -> params.add(queryParameter(p)));
    params.addObject().put("name", JobHeaders.RUN_TIMEOUT).put("in", "header")
        .put("description", "Shorten the type's run timeout to this many seconds (extension)")
        .putObject("schema").put("type", "number").put("exclusiveMinimum", 0);
    params.addObject().put("name", JobHeaders.PRIORITY).put("in", "header")
        .put("description", "Within the semaphore a higher priority starts first; equal ones keep their order (extension)")
        .putObject("schema").put("type", "integer").put("minimum", JobOptions.MIN_PRIORITY)
        .put("maximum", JobOptions.MAX_PRIORITY).put("default", 0);
    params.addObject().put("name", JobHeaders.DELAY).put("in", "header")
        .put("description", "Keep the task `scheduled` this many seconds, then queue it (extension; not with "
            + JobHeaders.RUN_AT + ")")
        .putObject("schema").put("type", "number").put("minimum", 0).put("maximum", JobOptions.MAX_DELAY.toSeconds());
    params.addObject().put("name", JobHeaders.RUN_AT).put("in", "header")
        .put("description", "Keep the task `scheduled` until this RFC 3339 time (at most a year ahead), then queue it;"
            + " a time past queues it at once (extension)")
        .putObject("schema").put("type", "string").put("format", "date-time");
    params.addObject().put("name", JobHeaders.MAX_ATTEMPTS).put("in", "header")
        .put("description", "Run it up to this many times: a failed attempt with attempts left is scheduled again after"
            + " an exponential backoff with full jitter (retry.base_seconds, retry.max_seconds); default the type's (extension)")
        .putObject("schema").put("type", "integer").put("minimum", 1).put("maximum", TaskType.MAX_ATTEMPTS);
    params.addObject().put("name", JobHeaders.IDEMPOTENCY_KEY).put("in", "header")
        .put("description", "A repeat with this key, route and parameters within idempotency.ttl_seconds answers the "
            + "same task_id (with Idempotent-Replayed: true) and creates nothing; other parameters are a 422")
        .putObject("schema").put("type", "string").put("minLength", 1).put("maxLength", 255).put("pattern", "^[!-~]+$");
    op.set("requestBody", paramsBody(type));
    ObjectNode responses = op.putObject("responses");
    ObjectNode created = okJson("TaskCreated", "Queued (or, with a repeated Idempotency-Key, created before); its id");
    created.putObject("headers").putObject(JobHeaders.REPLAYED)
        .put("description", "true when an earlier request with the same Idempotency-Key created the task")
        .putObject("schema").put("type", "string").putArray("enum").add("true");
    responses.set("200", created);
    errors(responses, "400", "BadRequest", "413", "TooLarge", "415", "UnsupportedType", "422", "Invalid",
        "429", "TooMany", "503", "Unavailable");
    op.put("x-brinjal-task-type", type.name());
    op.put("x-brinjal-semaphore", semaphore);
    return op;
  }

  private ObjectNode scheduleOperation(TaskType type) {
    ObjectNode op = Json.object();
    op.putArray("tags").add("recurring");
    op.put("summary", "Schedule " + type.name() + " on a cron expression");
    op.put("description", "Schedule options and task parameters go in the query string (as brinjal's frontend "
        + "sends them), task parameters also in the JSON body (the query wins). A task parameter named like an "
        + "option can only be given in the body. Checked now and again at every firing.");
    op.put("operationId", "schedule" + type.name());
    ArrayNode params = op.putArray("parameters");
    RecurringRoutes.CREATE_OPTIONS.forEach(option -> params.add(optionParameter(option)));
    type.params().values().stream()
        .filter(p -> !RecurringRoutes.CREATE_OPTIONS.contains(p.wireName()))
        .forEach(p -> params.add(queryParameter(p)));
    op.set("requestBody", paramsBody(type));
    ObjectNode responses = op.putObject("responses");
    responses.set("200", okJson("ScheduleCreated", "Scheduled; its id and first run"));
    errors(responses, "400", "BadRequest", "413", "TooLarge", "415", "UnsupportedType", "422", "Invalid",
        "503", "Unavailable");
    op.put("x-brinjal-task-type", type.name());
    return op;
  }

  private static ObjectNode optionParameter(String option) {
    ObjectNode p = Json.object().put("name", option).put("in", "query").put("required", option.equals("cron_expression"));
    ObjectNode schema = p.putObject("schema");
    switch (option) {
      case "cron_expression" -> {
        p.put("description", "5 fields, or @hourly, @daily, …; the first run is at its next match");
        schema.put("type", "string");
        p.put("example", "*/5 * * * *");
      }
      case "tz" -> {
        p.put("description", "IANA zone id the expression is read in; default `recurring.default_tz`");
        schema.put("type", "string");
      }
      case "max_concurrent" -> {
        p.put("description", "Instances that may be queued or running at once");
        schema.put("type", "integer").put("minimum", 1).put("maximum", ScheduleSpec.MAX_CONCURRENT_LIMIT).put("default", 1);
      }
      case "pause_after_failures" -> {
        p.put("description", "Disable the schedule after this many failures in a row; default never");
        schema.put("type", "integer").put("minimum", 1);
      }
      case "enabled" -> {
        p.put("description", "Create it enabled or disabled");
        schema.put("type", "boolean").put("default", true);
      }
      case "priority" -> {
        p.put("description", "The priority of the tasks it creates (as `Brinjal-Priority`)");
        schema.put("type", "integer").put("minimum", JobOptions.MIN_PRIORITY).put("maximum", JobOptions.MAX_PRIORITY)
            .put("default", 0);
      }
      case "max_attempts" -> {
        p.put("description", "The attempts of the tasks it creates (as `Brinjal-Max-Attempts`); default their type's");
        schema.put("type", "integer").put("minimum", 1).put("maximum", TaskType.MAX_ATTEMPTS);
      }
      default -> throw new IllegalStateException("undocumented schedule option " + option);
    }
    return p;
  }

  private static String paramsSchemaName(TaskType type) {
    return type.name() + "Params";
  }

  /** The parameters as a JSON object schema: what {@code GET /task_types} says, in JSON Schema. */
  private static ObjectNode paramsSchema(TaskType type) {
    ObjectNode schema = Json.object();
    schema.put("type", "object");
    schema.put("description", "Parameters of " + type.name() + "; each may be omitted (its default applies)");
    schema.put("additionalProperties", false);
    ObjectNode props = schema.putObject("properties");
    type.params().values().forEach(p -> props.set(p.wireName(), valueSchema(p)));
    return schema;
  }

  private static ObjectNode valueSchema(ParamSpec p) {
    ObjectNode described = p.describe();
    JsonNode fallback = described.get("default");
    ObjectNode schema = Json.object();
    if (fallback.isNull()) {
      schema.putArray("type").add(p.jsonType()).add("null");
    } else {
      schema.put("type", p.jsonType());
    }
    if (described.has("enum")) {
      ArrayNode values = ((ArrayNode) described.get("enum")).deepCopy();
      if (fallback.isNull()) values.addNull();
      schema.set("enum", values);
    }
    if (p.jsonType().equals("array")) schema.putObject("items");
    schema.set("default", fallback);
    if (!p.description().isEmpty()) schema.put("description", p.description());
    return schema;
  }

  /** Scalars as plain query values ({@code ?sleep_time=0.5}); arrays and objects as JSON text. */
  private static ObjectNode queryParameter(ParamSpec p) {
    ObjectNode param = Json.object();
    param.put("name", p.wireName());
    param.put("in", "query");
    if (!p.description().isEmpty()) param.put("description", p.description());
    boolean structured = p.jsonType().equals("array") || p.jsonType().equals("object");
    if (structured) {
      param.putObject("content").putObject("application/json").set("schema", valueSchema(p));
    } else {
      param.set("schema", valueSchema(p));
    }
    return param;
  }

  private static ObjectNode paramsBody(TaskType type) {
    ObjectNode body = Json.object();
    body.put("required", false);
    body.put("description", "The task's parameters (an empty body: all defaults)");
    body.putObject("content").putObject("application/json").putObject("schema")
        .put("$ref", "#/components/schemas/" + paramsSchemaName(type));
    return body;
  }

  // ---------------------------------------------------------------- auth

  private static void requireToken(ObjectNode doc, ObjectNode paths) {
    bearerScheme(doc);
    ObjectNode schemes = (ObjectNode) doc.get("components").get("securitySchemes");
    schemes.putObject("accessToken").put("type", "apiKey").put("in", "query").put("name", AccessGuard.QUERY_PARAM)
        .put("description", "The same token on GET requests, for clients that cannot send headers (EventSource, WebSocket)");
    for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      if (path.getKey().equals("/metrics")) continue; // its own token rule, below
      path.getValue().fields().forEachRemaining(e -> {
        if (e.getValue() instanceof ObjectNode op && op.has("responses") && !op.has("security")) {
          protect(op);
          if (e.getKey().equals("get")) ((ArrayNode) op.get("security")).addObject().putArray("accessToken");
        }
      });
    }
  }

  private static void bearerScheme(ObjectNode doc) {
    ObjectNode components = (ObjectNode) doc.get("components");
    ObjectNode schemes = components.has("securitySchemes")
        ? (ObjectNode) components.get("securitySchemes") : components.putObject("securitySchemes");
    schemes.putObject("bearerAuth").put("type", "http").put("scheme", "bearer")
        .put("description", "`Authorization: Bearer <auth.token>` (for /metrics: auth.metrics_token when set)");
  }

  private static void protect(ObjectNode op) {
    op.putArray("security").addObject().putArray("bearerAuth");
    errors((ObjectNode) op.get("responses"), "401", "Unauthorized");
  }

  // ---------------------------------------------------------------- helpers

  private static ObjectNode okJson(String schema, String description) {
    ObjectNode ok = Json.object();
    ok.put("description", description);
    ok.putObject("content").putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/" + schema);
    return ok;
  }

  /** Status, component response name, status, name, …: references to the shared error answers. */
  private static void errors(ObjectNode responses, String... statusAndName) {
    for (int i = 0; i < statusAndName.length; i += 2) {
      responses.putObject(statusAndName[i]).put("$ref", "#/components/responses/" + statusAndName[i + 1]);
    }
  }

  private static ObjectNode load(String resource) {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing resource " + resource);
      return (ObjectNode) Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
