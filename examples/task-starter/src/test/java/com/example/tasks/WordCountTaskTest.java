package com.example.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.task.InvalidParameterException;
import io.brinjal.task.TaskStatus;
import io.brinjal.testkit.BrinjalClient;
import io.brinjal.testkit.BrinjalServerExtension;
import io.brinjal.testkit.TaskChange;
import io.brinjal.testkit.TaskOutcome;
import io.brinjal.testkit.TaskRunner;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WordCountTaskTest {
  /** A real server on a random port with this project's provider, as the plugins folder would load it. */
  @RegisterExtension
  static final BrinjalServerExtension server = BrinjalServerExtension.withProviders(new StarterTasks());

  private static final String POEM = "the cat\nthe hat\nthe cat sat";

  // ---- in-process: no server, every change the task makes

  @Test
  void countsWordsAndReportsProgressLineByLine() {
    TaskOutcome end = TaskRunner.of(WordCountTask.class).params(Map.of("text", POEM, "top", 2)).run();
    assertEquals(TaskStatus.DONE, end.status());
    assertEquals(List.of(33, 66, 100), end.progressSteps());
    assertEquals(7, end.results().get("words").asInt());
    assertEquals(Map.of("the", 3, "cat", 2), Map.of("the", end.results().at("/top/the").asInt(),
        "cat", end.results().at("/top/cat").asInt()));
    assertEquals("7 words, 4 different", end.body());
  }

  @Test
  void aCancelStopsItBetweenLines() {
    TaskOutcome end = TaskRunner.of(WordCountTask.class).params(Map.of("text", POEM))
        .cancelWhen(change -> change.kind() == TaskChange.Kind.PROGRESS && change.asInt() >= 33).run();
    assertEquals(TaskStatus.CANCELLED, end.status());
    assertEquals(List.of(33), end.progressSteps());
  }

  @Test
  void aBadParameterIsRefused() {
    InvalidParameterException refused = assertThrows(InvalidParameterException.class,
        () -> TaskRunner.of(WordCountTask.class).params(Map.of("top", 0)).start());
    assertEquals("top", refused.parameter());
  }

  // ---- over HTTP: the real server, as users call it

  @Test
  void runsInTheServer(BrinjalClient client) {
    JsonNode end = client.run(WordCountTask.class, Map.of("text", POEM));
    assertEquals("done", end.get("status").asText(), end.toString());
    assertEquals(7, end.at("/results/words").asInt());
    assertEquals(422, client.post("/word_count_task", "{\"top\": 1000}").statusCode());
  }
}
