package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.Reply;
import io.brinjal.support.SseProbe;
import io.brinjal.support.TestServer;
import io.brinjal.support.WsProbe;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /openapi.json} against the router it describes, and the {@code /docs} page's files. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenApiApiTest {
  private static final String PREFIX = "/api/tasks";

  private static JsonNode document(HttpProbe http, String prefix) {
    Reply reply = http.get(prefix + "/openapi.json");
    assertEquals(200, reply.status(), reply.toString());
    assertTrue(reply.headers().get("Content-Type").startsWith("application/json"));
    JsonNode doc = reply.json();
    assertEquals("3.1.0", doc.get("openapi").asText());
    return doc;
  }

  private static Set<String> keys(JsonNode node) {
    Set<String> out = new TreeSet<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** "get /recurring/{recurring_id}" for each route of the router, a pattern per registered type. */
  private static Set<String> routerOperations(TestServer server) {
    Set<String> out = new TreeSet<>();
    for (Route route : server.brinjal().router().getRoutes()) {
      String path = route.getPath();
      if (path == null || route.methods() == null || route.methods().isEmpty()) continue; // CORS, token check, failures
      List<String> paths = new ArrayList<>();
      if (path.contains(":task_route")) {
        server.brinjal().engine().registry().all().forEach(t -> paths.add(path.replace(":task_route", t.route())));
      } else if (path.contains(":task_type")) {
        server.brinjal().engine().registry().all().forEach(t -> paths.add(path.replace(":task_type", t.name())));
      } else {
        String template = path.replaceAll(":([a-z_]+)", "{$1}");
        paths.add(template.length() > 1 && template.endsWith("/") ? template + "{file}" : template); // "/static/*"
      }
      for (HttpMethod method : route.methods()) {
        paths.forEach(p -> out.add(method.name().toLowerCase() + " " + p));
      }
    }
    return out;
  }

  private static Set<String> documentedOperations(JsonNode doc) {
    Set<String> out = new TreeSet<>();
    doc.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
      if (!method.equals("parameters") && !method.equals("servers")) out.add(method + " " + path.getKey());
    }));
    return out;
  }

  @Test
  void everyRouteTheRouterServesIsDocumentedAndNothingElse(Vertx vertx) {
    TestServer server = TestServer.start(vertx);
    JsonNode doc = document(server.http(), "");

    Set<String> documented = documentedOperations(doc);
    Set<String> root = Set.of("get /metrics", "get /health/live", "get /health/ready"); // on the root router
    Set<String> expected = new TreeSet<>(routerOperations(server));
    expected.addAll(root);
    assertEquals(expected, documented);
    assertTrue(documented.contains("post /example_cpu_task") && documented.contains("post /recurring/ExampleCPUTask"));
    root.forEach(op -> assertEquals("/", doc.get("paths").get(op.substring(4)).get("servers").get(0).get("url").asText()));
  }

  @Test
  void everyDocumentedOperationAnswersUnderAPrefix(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"http\": {\"prefix\": \"" + PREFIX + "\"}}").http();
    JsonNode doc = document(http, PREFIX);
    String gate = Gates.newGate();
    List<String> answered = new ArrayList<>();

    doc.get("paths").fields().forEachRemaining(entry -> {
      String template = entry.getKey();
      JsonNode item = entry.getValue();
      String base = item.has("servers") ? "" : PREFIX; // the root operations name their own server
      entry.getValue().fields().forEachRemaining(e -> {
        if (e.getKey().equals("parameters") || e.getKey().equals("servers")) return;
        JsonNode op = e.getValue();
        String path = base + fill(http, template, gate, op) + requiredQuery(op);
        String label = e.getKey() + " " + template;
        int status;
        if (template.equals("/ws")) {
          WsProbe.connect(http, path).close(); // throws unless the upgrade succeeds
          status = 101;
        } else if (op.get("responses").path("200").path("content").has("text/event-stream")) {
          SseProbe stream = http.stream(path); // throws unless 200
          assertTrue(stream.response().getHeader("Content-Type").startsWith("text/event-stream"), label);
          stream.disconnect();
          status = 200;
        } else {
          JsonNode example = op.path("requestBody").path("content").path("application/json").path("example");
          Reply reply = http.send(HttpMethod.valueOf(e.getKey().toUpperCase()), path,
              example.isMissingNode() ? null : example.toString(), Map.of("Content-Type", "application/json"));
          status = reply.status();
          assertTrue(status == 200, label + " -> " + reply);
        }
        assertTrue(op.get("responses").has(String.valueOf(status)), label + " answered an undocumented " + status);
        answered.add(label);
      });
    });
    Gates.open(gate);
    assertEquals(documentedOperations(doc).size(), answered.size());
  }

  /** Path parameters with values that exist: a running task, a schedule, a file. */
  private static String fill(HttpProbe http, String template, String gate, JsonNode op) {
    String path = template;
    if (path.contains("{task_id}")) {
      path = path.replace("{task_id}", http.create(PREFIX.substring(1) + "/gate_task",
          "{\"gate\":\"" + gate + "\",\"semaphore_name\":\"multiple\"}"));
    }
    if (path.contains("{recurring_id}")) {
      Reply created = http.post(PREFIX + "/recurring/NoopTask?cron_expression=@daily");
      path = path.replace("{recurring_id}", created.json().get("recurring_id").asText());
    }
    if (path.contains("{name}")) path = path.replace("{name}", "default"); // a semaphore
    if (path.contains("{file}")) {
      JsonNode schema = op.get("parameters").get(0);
      String file = schema.has("example") ? schema.get("example").asText() : schema.get("schema").get("enum").get(0).asText();
      path = path.replace("{file}", file);
    }
    return path;
  }

  private static String requiredQuery(JsonNode op) {
    StringBuilder q = new StringBuilder();
    for (JsonNode p : op.path("parameters")) {
      if (p.path("required").asBoolean() && p.path("in").asText().equals("query")) {
        q.append(q.isEmpty() ? "?" : "&").append(p.get("name").asText()).append('=')
            .append(java.net.URLEncoder.encode(p.get("example").asText(), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return q.toString();
  }

  @Test
  void eachTaskTypeIsDocumentedWithItsParametersAsQueryAndBody(Vertx vertx) {
    TestServer server = TestServer.start(vertx);
    JsonNode doc = document(server.http(), "");
    JsonNode taskTypes = server.http().get("/task_types").json();
    assertEquals(taskTypes.size(), server.brinjal().engine().registry().all().size());

    for (JsonNode type : taskTypes) {
      String name = type.get("name").asText();
      JsonNode create = doc.get("paths").get("/" + type.get("route").asText()).get("post");
      assertEquals(name, create.get("x-brinjal-task-type").asText());
      assertEquals(type.get("semaphore").asText(), create.get("x-brinjal-semaphore").asText());
      JsonNode body = doc.get("components").get("schemas").get(name + "Params");
      assertEquals("#/components/schemas/" + name + "Params",
          create.get("requestBody").get("content").get("application/json").get("schema").get("$ref").asText());
      assertFalse(body.get("additionalProperties").asBoolean(), name);
      JsonNode schedule = doc.get("paths").get("/recurring/" + name).get("post");
      for (JsonNode param : type.get("params")) {
        String p = param.get("name").asText();
        JsonNode property = body.get("properties").get(p);
        assertEquals(param.get("default"), property.get("default"), name + "." + p);
        assertTrue(property.get("type").toString().contains(param.get("type").asText()), name + "." + p);
        assertEquals(param.get("description").asText(), property.path("description").asText(""), name + "." + p);
        assertTrue(queryParameter(create, p) != null, name + "." + p + " as a query parameter");
        if (!Set.of("cron_expression", "tz", "max_concurrent", "pause_after_failures", "enabled").contains(p)) {
          assertTrue(queryParameter(schedule, p) != null, "schedule " + name + "." + p + " as a query parameter");
        }
      }
      assertTrue(queryParameter(schedule, "cron_expression").get("required").asBoolean());
    }

    JsonNode cpu = doc.get("components").get("schemas").get("ExampleCPUTaskParams").get("properties");
    assertEquals("number", cpu.get("sleep_time").get("type").asText());
    assertEquals(0.1, cpu.get("sleep_time").get("default").asDouble());
    assertEquals("seconds per step (100 steps)", cpu.get("sleep_time").get("description").asText());
    // a list parameter goes in the query as JSON text
    JsonNode tags = queryParameter(doc.get("paths").get("/freshness_task").get("post"), "tags");
    assertEquals("array", tags.get("content").get("application/json").get("schema").get("type").asText());
  }

  private static JsonNode queryParameter(JsonNode op, String name) {
    for (JsonNode p : op.get("parameters")) {
      if (p.get("name").asText().equals(name) && p.get("in").asText().equals("query")) return p;
    }
    return null;
  }

  @Test
  void theTaskAndScheduleSchemasNameEveryKeyTheServerSends(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    JsonNode schemas = document(http, "").get("components").get("schemas");
    JsonNode task = http.awaitTerminal(http.create("noop_task", null));
    String id = http.post("/recurring/NoopTask?cron_expression=@daily").json().get("recurring_id").asText();
    JsonNode schedule = http.get("/recurring/" + id).json();

    assertEquals(keys(task), keys(schemas.get("Task").get("properties")));
    assertEquals(keys(task), new TreeSet<>(toList(schemas.get("Task").get("required"))));
    assertEquals(keys(schedule), keys(schemas.get("Schedule").get("properties")));
    assertEquals(keys(schedule), new TreeSet<>(toList(schemas.get("Schedule").get("required"))));
    assertEquals(Set.of("detail"), keys(schemas.get("Error").get("properties")));
    assertEquals(keys(http.get("/nope-" + id).json()), keys(schemas.get("Error").get("properties")));
  }

  private static List<String> toList(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void withATokenTheDocumentNeedsItAndNamesTheBearerSchemeWhileTheDocsPageDoesNot(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"auth\": {\"token\": \"s3cret-token-0123456789\"}}").http();
    assertEquals(401, http.get("/openapi.json").status());
    assertEquals(200, http.get("/docs").status());
    assertEquals(200, http.get("/docs/swagger-ui-bundle.js").status());

    Reply reply = http.send(HttpMethod.GET, "/openapi.json", null, Map.of("Authorization", "Bearer s3cret-token-0123456789"));
    assertEquals(200, reply.status());
    JsonNode doc = reply.json();
    JsonNode bearer = doc.get("components").get("securitySchemes").get("bearerAuth");
    assertEquals("http", bearer.get("type").asText());
    assertEquals("bearer", bearer.get("scheme").asText());
    JsonNode getTask = doc.get("paths").get("/{task_id}").get("get");
    assertEquals("bearerAuth", getTask.get("security").get(0).fieldNames().next());
    assertEquals("accessToken", getTask.get("security").get(1).fieldNames().next()); // ?access_token= on GET
    assertTrue(getTask.get("responses").has("401"));
    JsonNode create = doc.get("paths").get("/noop_task").get("post");
    assertEquals(1, create.get("security").size(), "no ?access_token= on POST");
    assertEquals(0, doc.get("paths").get("/docs").get("get").get("security").size());
    assertEquals(0, doc.get("paths").get("/health/ready").get("get").get("security").size());
    assertTrue(doc.get("paths").get("/metrics").get("get").get("responses").has("401"));

    JsonNode open = document(TestServer.start(vertx).http(), "");
    assertFalse(open.get("components").has("securitySchemes"));
    assertEquals(0, open.get("security").size(), "no token: every operation is open");
    assertFalse(open.get("components").get("responses").has("Unauthorized"));
    assertFalse(open.get("paths").get("/{task_id}").get("get").has("security"));
  }

  @Test
  void theDocsPageServesSwaggerUiFromTheJarAndNothingElseOfTheWebjar(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"http\": {\"prefix\": \"" + PREFIX + "\"}}").http();

    Reply page = http.get(PREFIX + "/docs");
    assertEquals(200, page.status());
    assertTrue(page.headers().get("Content-Type").startsWith("text/html"));
    // the UI's policy, not relaxed: no inline script or style (DocsBrowserTest: no violation either)
    assertEquals(http.get(PREFIX + "/").headers().get("Content-Security-Policy"), page.headers().get("Content-Security-Policy"));
    assertTrue(page.headers().get("Content-Security-Policy").contains("style-src 'self';"));
    assertEquals("nosniff", page.headers().get("X-Content-Type-Options"));
    for (String ref : List.of("src=\"docs/swagger-ui-bundle.js\"", "href=\"docs/swagger-ui.css\"", "src=\"docs/docs.js\"")) {
      assertTrue(page.body().contains(ref), ref); // relative: works under any prefix
    }
    Reply bundle = http.get(PREFIX + "/docs/swagger-ui-bundle.js");
    assertEquals(200, bundle.status());
    assertTrue(bundle.headers().get("Content-Type").contains("javascript"), bundle.headers().get("Content-Type"));
    assertTrue(bundle.body().contains("SwaggerUIBundle"));
    assertTrue(http.get(PREFIX + "/docs/swagger-ui.css").headers().get("Content-Type").startsWith("text/css"));
    assertTrue(http.get(PREFIX + "/docs/docs.js").body().contains("openapi.json"));
    // the webjar's own page and initializer would load the petstore: not served
    for (String other : List.of("index.html", "swagger-initializer.js", "swagger-ui.js", "../docs.html", "sub/docs.js")) {
      Reply refused = http.get(PREFIX + "/docs/" + other);
      assertEquals(404, refused.status(), other + ": " + refused.status() + " " + refused.headers().get("Content-Type"));
    }
    assertEquals(405, http.post(PREFIX + "/docs").status(), "docs is no task route");
    Reply slash = http.get(PREFIX + "/docs/");
    assertEquals(301, slash.status());
    assertEquals("../docs", slash.headers().get("Location"));
  }
}
