package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.config.ConfigException;
import io.brinjal.config.ConfigLoader;
import io.brinjal.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A command entry Brinjal cannot run stops the start, with a message naming the entry. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CommandConfigApiTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"task_type\": \"Job\"}"
          + "|commands[0] (task_type Job).argv: must be a list of strings",
      "{\"task_type\": \"Job\", \"argv\": []}"
          + "|commands[0] (task_type Job).argv: must be a list of strings, the program first",
      "{\"argv\": [\"true\"]}"
          + "|commands[0].task_type: must be a string",
      "{\"task_type\": \"Job\", \"argv\": [\"true\"], \"params\": [{\"name\": \"n\", \"type\": \"float\"}]}"
          + "|commands[0] (task_type Job).params[0].type: must be string, integer, number or boolean, got \"float\"",
      "{\"task_type\": \"Job\", \"argv\": [\"echo\", \"{size}\"], \"params\": [{\"name\": \"n\", \"type\": \"integer\"}]}"
          + "|commands[0] (task_type Job).argv: placeholder {size} in \"{size}\" names no parameter (params: n)",
      "{\"task_type\": \"Job\", \"argv\": [\"true\"], \"params\": [{\"name\": \"n\", \"type\": \"integer\", \"default\": \"x\"}]}"
          + "|commands[0] (task_type Job).params[0].default: parameter 'n' must be an integer",
      "{\"task_type\": \"Job\", \"argv\": [\"true\"], \"params\": [{\"name\": \"n\", \"type\": \"integer\"}, {\"name\": \"n\", \"type\": \"string\"}]}"
          + "|commands[0] (task_type Job).params[1].name: n is declared twice",
      "{\"task_type\": \"Job\", \"argv\": [\"true\"], \"semaphore\": \"gpu\"}"
          + "|commands[0] (task_type Job).semaphore: \"gpu\" is not configured",
      "{\"task_type\": \"Job\", \"argv\": [\"true\"], \"shell\": true}"
          + "|commands[0] (task_type Job).shell: unknown key",
      "{\"task_type\": \"Job\", \"argv\": [\"true\"], \"timeout_seconds\": 0}"
          + "|commands[0] (task_type Job).timeout_seconds: must be a number of seconds above 0",
      "{\"task_type\": \"Job\", \"argv\": [\"true\"], \"cwd\": \"/no/such/dir\"}"
          + "|commands[0] (task_type Job).cwd: \"/no/such/dir\" is not a directory",
      "{\"task_type\": \"Job\", \"argv\": [\"true\"], \"route\": \"a/b\"}"
          + "|commands[0] (task_type Job).route: 1-100 characters",
  })
  void aBadEntryIsRefusedWhenTheConfigurationIsRead(String entry, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.fromJson("{\"commands\": [" + entry + "]}"));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "\"task_type\": \"Render\", \"route\": \"example_cpu_task\""
          + "|commands[1] (task_type Render): Render and ExampleCPUTask both map to /example_cpu_task",
      "\"task_type\": \"Render\", \"route\": \"queue\""
          + "|commands[1] (task_type Render): Render would take the reserved route /queue",
      "\"task_type\": \"ExampleCPUTask\", \"route\": \"render\""
          + "|commands[1] (task_type ExampleCPUTask): task type ExampleCPUTask is already registered (at /example_cpu_task)",
      "\"task_type\": \"First\""
          + "|commands[1] (task_type First): First and First both map to /first",
  })
  void aRouteOrNameThatIsTakenStopsTheStart(String keys, String message, Vertx vertx) {
    String config = "{\"commands\": [{\"task_type\": \"First\", \"argv\": [\"true\"]}, {" + keys + ", \"argv\": [\"true\"]}]}";
    ConfigException e = assertThrows(ConfigException.class, () -> TestServer.start(vertx, config));
    assertEquals(message, e.getMessage());
  }

  @Test
  void aConfiguredScheduleMayNameACommandTypeWhoseRouteIsItsOwn(Vertx vertx) {
    String config = "{\"commands\": [{\"task_type\": \"NightlyJob\", \"route\": \"nightly\", \"argv\": [\"true\"]}],"
        + " \"recurring\": {\"schedules\": [{\"task_type\": \"NightlyJob\", \"cron_expression\": \"0 3 * * *\"}]}}";
    var listed = TestServer.start(vertx, config).http().get("/recurring").json();
    assertTrue(listed.toString().contains("NightlyJob"), listed.toString());
  }

  @Test
  void theDefaultsAndTheShippedConfigurationHaveNoCommands() {
    assertEquals(0, ConfigLoader.fromJson("{}").commands().size());
    assertEquals(0, ConfigLoader.load(java.util.Map.of("BRINJAL_CONFIG", "conf/config.json")).commands().size());
  }
}
