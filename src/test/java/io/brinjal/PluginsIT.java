package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.json.Json;
import io.brinjal.support.JarProcess;
import io.brinjal.support.PluginJar;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task plugins through the real server: jars compiled here, as a task author builds them, in a
 * plugins folder or on the classpath of {@code target/brinjal.jar} run as a child process; and
 * each plugin the server must refuse, with exit code 2 and a message naming the jar and class.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PluginsIT {
  private static final String GREET_TASK = """
      package com.example.greet;
      public class GreetTask extends io.brinjal.task.Task {
        String name = "world";
        @Override protected void run() {
          setProgress(50);
          boolean seen; // the thread's context loader sees the plugin's own classes
          try {
            Class.forName(getClass().getName(), false, Thread.currentThread().getContextClassLoader());
            seen = true;
          } catch (ClassNotFoundException e) {
            seen = false;
          }
          setResults(java.util.Map.of("greeting", "Hello, " + name, "context_loader_sees_plugin", seen));
        }
      }
      """;

  @TempDir
  Path dir;

  private static PluginJar greetPlugin() {
    return PluginJar.create().source("com.example.greet.GreetTask", GREET_TASK)
        .provider("com.example.greet.GreetTasks", "", "registry.register(com.example.greet.GreetTask.class, \"Greets someone\");");
  }

  private static List<String> typeNames(JarProcess server) {
    List<String> names = new ArrayList<>();
    server.json("/task_types").forEach(t -> names.add(t.get("name").asText()));
    return names;
  }

  private static void greetingRuns(JarProcess server) throws IOException {
    var created = server.post("/greet_task", "{\"name\": \"plugin world\"}");
    assertEquals(200, created.statusCode(), created.body());
    JsonNode end = server.awaitEnd(Json.MAPPER.readTree(created.body()).get("task_id").asText());
    assertEquals("done", end.get("status").asText(), end.toString());
    assertEquals("Hello, plugin world", end.at("/results/greeting").asText());
    assertTrue(end.at("/results/context_loader_sees_plugin").asBoolean(), end.toString());
  }

  @Test
  void aJarInThePluginsFolderServesItsTypesNextToTheBuiltInOnes() throws IOException {
    greetPlugin().writeTo(dir.resolve("plugins/greet.jar")); // plugins/ under the working folder: the default
    try (JarProcess server = JarProcess.startReady(Map.of(), dir)) {
      List<String> names = typeNames(server);
      assertTrue(names.contains("GreetTask"), names.toString());
      assertTrue(names.containsAll(List.of("ExampleCPUTask", "NoopTask")), "the built-in ones stay: " + names);
      JsonNode greet = null;
      for (JsonNode t : server.json("/task_types")) if (t.get("name").asText().equals("GreetTask")) greet = t;
      assertEquals("greet_task", greet.get("route").asText());
      assertEquals("Greets someone", greet.get("description").asText());
      assertTrue(server.json("/openapi.json").at("/paths").has("/greet_task"), "the API document shows it");
      greetingRuns(server);
    }
  }

  @Test
  void theFolderCanBeNamedAndTheBuiltInTypesSwitchedOff() throws IOException {
    Path elsewhere = dir.resolve("opt/brinjal-plugins");
    greetPlugin().writeTo(elsewhere.resolve("greet.jar"));
    try (JarProcess server = JarProcess.startReady(Map.of("BRINJAL_PLUGINS_DIR", elsewhere.toString(),
        "BRINJAL_TASKS_BUILTINS", "none"), dir)) {
      assertEquals(List.of("GreetTask"), typeNames(server));
      assertEquals(404, server.post("/noop_task", "{}").statusCode());
      greetingRuns(server);
    }
  }

  @Test
  void aProviderOnTheClasspathIsFoundToo() throws IOException {
    Path jar = greetPlugin().writeTo(dir.resolve("lib/greet.jar"));
    try (JarProcess server = JarProcess.startWithClasspath(Map.of("BRINJAL_TASKS_BUILTINS", "NoopTask"), dir, List.of(jar))) {
      server.awaitReady();
      assertEquals(List.of("NoopTask", "GreetTask"), typeNames(server));
      greetingRuns(server);
    }
  }

  /** The start is refused with exit code 2 and one message (no stack trace) holding every fragment. */
  private String refused(Map<String, String> env, String... fragments) {
    JarProcess server = JarProcess.start(env, dir, List.of());
    int exit = server.awaitExit();
    String output = server.output();
    assertEquals(2, exit, output);
    for (String fragment : fragments) assertTrue(output.contains(fragment), "\"" + fragment + "\" in:\n" + output);
    assertFalse(output.contains("\tat "), "a message, not a stack trace: " + output);
    return output;
  }

  @Test
  void aProviderThatThrowsStopsTheStartNamingItsJarAndClass() {
    Path jar = PluginJar.create().provider("com.example.broken.LicensedTasks", "",
        "throw new IllegalStateException(\"no licence key in LICENSED_TASKS_KEY\");").writeTo(dir.resolve("plugins/licensed.jar"));
    refused(Map.of(), "brinjal: task plugin error: task provider com.example.broken.LicensedTasks (from " + jar.toAbsolutePath() + ")",
        "no licence key in LICENSED_TASKS_KEY");
  }

  @Test
  void twoTypesWithOneRouteStopTheStartNamingBothJarsAndClasses() {
    Path a = PluginJar.withTask("com.a.ReportTask", "", "com.a.ATasks").writeTo(dir.resolve("plugins/a.jar"));
    Path b = PluginJar.withTask("com.b.ReportTask", "", "com.b.BTasks").writeTo(dir.resolve("plugins/b.jar"));
    refused(Map.of(), "task provider com.b.BTasks (from " + b.toAbsolutePath() + ")",
        "com.b.ReportTask (from " + b.toAbsolutePath() + ") and com.a.ReportTask (from " + a.toAbsolutePath() + ")",
        "both map to the route /report_task");
  }

  @Test
  void twoCopiesOfOnePluginStopTheStartRatherThanOneShadowingTheOther() {
    Path v1 = greetPlugin().writeTo(dir.resolve("plugins/greet-1.0.jar"));
    Path v2 = greetPlugin().writeTo(dir.resolve("plugins/greet-1.1.jar"));
    refused(Map.of(), "brinjal: task plugin error: task provider com.example.greet.GreetTasks is in two jars, "
        + v1.toAbsolutePath() + " and " + v2.toAbsolutePath());
  }

  @Test
  void aTypeThatTakesTheRouteOfABuiltInTypeStopsTheStart() {
    Path jar = PluginJar.withTask("com.example.NoopTask", "", "com.example.Tasks").writeTo(dir.resolve("plugins/noop.jar"));
    refused(Map.of(), "com.example.NoopTask (from " + jar.toAbsolutePath() + ") and io.brinjal.examples.NoopTask",
        "/noop_task");
  }

  @Test
  void aTaskClassWithoutANoArgumentConstructorStopsTheStart() {
    Path jar = PluginJar.withTask("com.example.NeedyTask", "public NeedyTask(String url) {}", "com.example.NeedyTasks")
        .writeTo(dir.resolve("plugins/needy.jar"));
    refused(Map.of(), "task provider com.example.NeedyTasks (from " + jar.toAbsolutePath() + ")",
        "com.example.NeedyTask (from " + jar.toAbsolutePath() + "): NeedyTask needs a no-argument constructor");
  }

  @Test
  void aRouteTheApiUsesStopsTheStart() {
    Path jar = PluginJar.withTask("com.example.Metrics", "", "com.example.MetricsTasks").writeTo(dir.resolve("plugins/metrics.jar"));
    refused(Map.of(), "com.example.Metrics (from " + jar.toAbsolutePath() + "): task type Metrics would take the reserved route /metrics,"
        + " a path of the API itself");
  }

  @Test
  void aListedProviderThatIsMissingStopsTheStartNamingTheJarThatListsIt() {
    Path jar = PluginJar.create().listing("com.example.TypoTasks").writeTo(dir.resolve("plugins/typo.jar"));
    refused(Map.of(), "brinjal: task plugin error: a task provider cannot be loaded:", "com.example.TypoTasks not found",
        jar.toAbsolutePath() + " lists com.example.TypoTasks");
  }

  @Test
  void unknownBuiltInNamesAndAMissingFolderAreConfigurationErrors() {
    refused(Map.of("BRINJAL_TASKS_BUILTINS", "NoopTask,NopTask"),
        "brinjal: configuration error: tasks.builtins: \"NopTask\" is not a built-in task type (built-in: ExampleCPUTask,");
    refused(Map.of("BRINJAL_PLUGINS_DIR", dir.resolve("nowhere").toString()),
        "brinjal: configuration error: tasks.plugins_dir: " + dir.resolve("nowhere").toAbsolutePath() + " is not a folder");
  }
}
