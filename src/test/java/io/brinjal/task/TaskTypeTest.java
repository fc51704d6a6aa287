package io.brinjal.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.examples.ExampleIOTask;
import io.brinjal.examples.NoopTask;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskTypeTest {

  @ParameterizedTest
  @CsvSource({
      "ExampleCPUTask,example_cpu_task", "HTTPRequestTask,http_request_task", "ExampleIOTask,example_io_task",
      "NoopTask,noop_task", "sleepTime,sleep_time", "intervalMs,interval_ms", "Task2Go,task2_go", "ABC,abc"})
  void namesBecomeSnakeCase(String javaName, String wireName) {
    assertEquals(wireName, Names.snakeCase(javaName));
  }

  static class Tagged extends Task {
    @Param("what to greet") String greeting = "hi";
    long count = 3;
    transient String scratch = "not a parameter";
    static String shared = "not a parameter";
    final int fixed = 1;

    @Override
    protected void run() {}
  }

  @Test
  void fieldsAreParametersButTransientStaticAndFinalOnesAreNot() {
    TaskType type = TaskType.of(Tagged.class, "");
    assertEquals(List.of("greeting", "count"), List.copyOf(type.params().keySet()));
    assertEquals("what to greet", type.params().get("greeting").description());
    assertEquals("integer", type.params().get("count").jsonType());
    assertEquals("{\"greeting\":\"hi\",\"count\":3}", type.defaultsAsJson().toString());
  }

  @Test
  void eachInstanceStartsFromItsOwnDefaults() {
    TaskType type = TaskType.of(Tagged.class, "");
    Tagged bound = (Tagged) type.bind(null, Map.of("count", List.of("7")));
    Tagged fresh = (Tagged) type.bind(null, Map.of());
    assertEquals(7, bound.count);
    assertEquals(3, fresh.count);
  }

  @Test
  void onlyTypesThatOverrideTheHookArePolled() {
    assertTrue(TaskType.of(ExampleIOTask.class, "").hasProgressHook());
    assertFalse(TaskType.of(NoopTask.class, "").hasProgressHook());
  }

  static class NoDefaultConstructor extends Task {
    NoDefaultConstructor(int x) {}

    @Override
    protected void run() {}
  }

  static class Queue extends Task {
    @Override
    protected void run() {}
  }

  @Test
  void registrationRefusesUnusableClasses() {
    TaskRegistry registry = new TaskRegistry();
    assertThrows(IllegalArgumentException.class, () -> registry.register(NoDefaultConstructor.class));
    var reserved = assertThrows(IllegalArgumentException.class, () -> registry.register(Queue.class));
    assertTrue(reserved.getMessage().contains("reserved"));
  }
}
