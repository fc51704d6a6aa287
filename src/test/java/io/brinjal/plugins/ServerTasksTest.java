package io.brinjal.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.config.BrinjalConfig;
import io.brinjal.config.ConfigException;
import io.brinjal.task.TaskRegistry;
import io.brinjal.task.TaskType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry the standalone server builds; the plugins folder itself is covered by PluginsIT. */
class ServerTasksTest {
  private static List<String> names(TaskRegistry registry) {
    return registry.all().stream().map(TaskType::name).toList();
  }

  @Test
  void builtInsThenTheProvidersOnTheClasspath() {
    TaskRegistry all = ServerTasks.load(new BrinjalConfig.Tasks("", BrinjalConfig.Tasks.ALL_BUILTINS));
    assertEquals(List.of("ExampleCPUTask", "ExampleIOTask", "NoopTask", "SleepTask", "ProgressTask", "ClasspathFoundTask"),
        names(all));
    assertEquals("found on the classpath", all.byName("ClasspathFoundTask").orElseThrow().description());
  }

  @Test
  void builtInsCanBeChosenByNameOrSwitchedOff() {
    assertEquals(List.of("SleepTask", "NoopTask"), names(ServerTasks.builtIns(List.of("SleepTask", "NoopTask"))));
    assertEquals(List.of("ClasspathFoundTask"), names(ServerTasks.load(new BrinjalConfig.Tasks("", List.of()))));
    ConfigException unknown = assertThrows(ConfigException.class, () -> ServerTasks.builtIns(List.of("noop_task")));
    assertTrue(unknown.getMessage().startsWith("tasks.builtins: \"noop_task\" is not a built-in task type (built-in: "
        + "ExampleCPUTask, ExampleIOTask, NoopTask, SleepTask, ProgressTask)"), unknown.getMessage());
  }
}
