package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.json.Json;
import io.brinjal.support.JarProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable by default, for real: the packaged jar as a child process takes a mixed burst of
 * tasks from 16 clients at once, is killed with SIGKILL at a random moment, and is started again
 * on the same file, several times over. Every task the server answered with an id must be there
 * after each restart, none left running, and the queued ones must run to the end.
 */
class KillNineIT {
  private static final int CLIENTS = 16;
  private static final int CYCLES = 4;

  @TempDir
  Path dir;

  private Map<String, String> env() {
    return Map.of("BRINJAL_STORE_PATH", dir.resolve("data/brinjal.db").toString(),
        // nothing is pruned, so every id ever answered must still be readable
        "BRINJAL_RETENTION_DONE", "10000000", "BRINJAL_RETENTION_FAILED", "10000000",
        "BRINJAL_SEMAPHORE_SINGLE", "2");
  }

  /** One of the mixed bodies: no-op, sleeps under each semaphore, progress steps. */
  private static String[] pick(Random random) {
    return switch (random.nextInt(5)) {
      case 0 -> new String[] {"noop_task", "{}"};
      case 1 -> new String[] {"sleep_task", "{\"sleep_time\": 0.02, \"semaphore_name\": \"single\"}"};
      case 2 -> new String[] {"sleep_task", "{\"sleep_time\": 0.05, \"semaphore_name\": \"multiple\"}"};
      case 3 -> new String[] {"sleep_task", "{\"sleep_time\": 0.03}"};
      default -> new String[] {"progress_task", "{\"steps\": 5, \"interval_ms\": 10}"};
    };
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void everyAcceptedTaskSurvivesSigkillAndTheQueuedOnesRunToTheEnd() throws Exception {
    Random random = new Random();
    Map<String, String> accepted = new ConcurrentHashMap<>(); // id -> task type route
    int interruptedSeen = 0;
    for (int cycle = 1; cycle <= CYCLES; cycle++) {
      JarProcess server = JarProcess.startReady(env(), dir);
      int before = accepted.size();
      AtomicBoolean killed = new AtomicBoolean();
      AtomicInteger refused = new AtomicInteger();
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      for (int c = 0; c < CLIENTS; c++) {
        long seed = random.nextLong();
        clients.submit(() -> {
          Random mine = new Random(seed);
          while (!killed.get()) {
            String[] task = pick(mine);
            try {
              HttpResponse<String> response = server.post("/" + task[0], task[1]);
              if (response.statusCode() == 200) {
                accepted.put(Json.MAPPER.readTree(response.body()).get("task_id").asText(), task[0]);
              } else {
                refused.incrementAndGet(); // e.g. 429 when the queue is full: not accepted, nothing to find later
              }
            } catch (IOException e) {
              return; // the server is gone mid-request: that task was never answered
            }
          }
        });
      }
      long killAfter = 300 + random.nextInt(1200);
      await().pollDelay(Duration.ofMillis(killAfter)).atMost(Duration.ofSeconds(10)).until(() -> true);
      killed.set(true);
      server.killHard();
      clients.shutdown();
      assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS));
      assertTrue(accepted.size() > before, "cycle " + cycle + ": the burst was accepted at all (refused " + refused + ")");

      try (JarProcess again = JarProcess.startReady(env(), dir)) {
        Set<String> unfinished = ConcurrentHashMap.newKeySet();
        unfinished.addAll(accepted.keySet());
        Map<String, Integer> outcomes = new HashMap<>();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
          for (JsonNode task : listAll(again)) {
            String status = task.get("status").asText();
            if (status.equals("done") || status.equals("failed") || status.equals("cancelled")) {
              unfinished.remove(task.get("task_id").asText());
            }
          }
          return unfinished.isEmpty();
        });
        List<String> missing = new ArrayList<>();
        for (String id : accepted.keySet()) {
          HttpResponse<String> response = again.get("/" + id);
          if (response.statusCode() != 200) {
            missing.add(id);
            continue;
          }
          JsonNode task = Json.MAPPER.readTree(response.body());
          String status = task.get("status").asText();
          outcomes.merge(status, 1, Integer::sum);
          if (status.equals("failed")) {
            assertEquals("Interrupted", task.get("error_type").asText(), "only the kill fails these tasks: " + task);
          } else {
            assertEquals("done", status, task.toString());
          }
        }
        assertEquals(List.of(), missing, "cycle " + cycle + ": accepted tasks lost after SIGKILL");
        assertEquals(0, again.json("/queue?status=running,cancelling,queued").size(), "nothing left running or waiting");
        interruptedSeen += outcomes.getOrDefault("failed", 0);
        System.out.printf("cycle %d: %d tasks accepted in all, outcomes %s, killed after %d ms%n", cycle,
            accepted.size(), outcomes, killAfter);
      }
    }
    assertTrue(interruptedSeen > 0, "some task was running at one of the kills: the interrupted path was exercised");
  }

  /** Every task, a page at a time (as a client of a big queue would read it). */
  private static List<JsonNode> listAll(JarProcess server) throws IOException {
    List<JsonNode> all = new ArrayList<>();
    String next = "/queue?limit=1000";
    while (next != null) {
      HttpResponse<String> page = server.get(next);
      Json.MAPPER.readTree(page.body()).forEach(all::add);
      next = page.headers().firstValue("Link").map(l -> l.substring(1, l.indexOf('>'))).orElse(null);
    }
    return all;
  }
}
