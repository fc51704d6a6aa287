package io.brinjal.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class BrinjalServerExtensionTest {
  static class GreetTask extends Task {
    String name = "world";

    @Override
    protected void run() {
      setProgress(50);
      setResults(Map.of("greeting", "Hello, " + name));
    }
  }

  static class WaitTask extends Task {
    @Override
    protected void run() throws Exception {
      setProgress(1);
      Thread.sleep(60_000);
    }
  }

  @RegisterExtension
  static final BrinjalServerExtension server = BrinjalServerExtension.withTasks(GreetTask.class, WaitTask.class)
      .config("{\"http\": {\"prefix\": \"/api\"}}");

  @Test
  void theServerOffersTheTestsTypesOnly(BrinjalClient client) throws Exception {
    List<String> names = new ArrayList<>();
    io.brinjal.json.Json.MAPPER.readTree(client.get("/task_types").body()).forEach(t -> names.add(t.get("name").asText()));
    assertEquals(List.of("GreetTask", "WaitTask"), names);
    assertTrue(server.baseUri().toString().matches("http://127\\.0\\.0\\.1:\\d+/api"), server.baseUri().toString());
  }

  @Test
  void aTaskRunsToItsEndOverHttp(BrinjalClient client) {
    JsonNode end = client.run(GreetTask.class, Map.of("name", "Ada"));
    assertEquals("done", end.get("status").asText());
    assertEquals("Hello, Ada", end.at("/results/greeting").asText());
    assertEquals(422, client.post("/greet_task", "{\"name\": 3, \"nme\": 1}").statusCode());
  }

  @Test
  void aCancelledTaskEndsCancelledOnItsStream() {
    BrinjalClient client = server.client();
    String id = client.create(WaitTask.class, Map.of());
    assertEquals(200, client.cancel(id));
    assertEquals("cancelled", client.awaitEnd(id).get("status").asText());
  }
}
