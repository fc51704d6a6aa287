package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.LogCapture;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code store.type} {@code memory}: a store that answers at once. Tasks that end as fast as they
 * start must not chain end, claim and start on one stack (it overflowed after a few thousand
 * and wedged the semaphore).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemoryStoreApiTest {
  private static final int TASKS = 20_000;

  @Test
  void aLongRunOfInstantTasksEndsEveryOneWithNothingUnhandled(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"store\": {\"type\": \"memory\"}, \"retention\": {\"done\": 100000}}").http();
    try (LogCapture logs = new LogCapture()) {
      // the semaphore is held while the line fills, then freed at once: instant tasks back to back
      String gate = Gates.newGate();
      for (int i = 0; i < 10; i++) http.create("gate_task", "{\"gate\":\"" + gate + "\", \"semaphore_name\":\"multiple\"}");
      Gates.awaitEntered(gate);
      AtomicInteger next = new AtomicInteger();
      List<Future<Void>> lanes = new ArrayList<>();
      for (int i = 0; i < 64; i++) lanes.add(post(http, next));
      HttpProbe.await(Future.all(lanes).timeout(100, TimeUnit.SECONDS));
      Gates.open(gate);
      await().atMost(Duration.ofSeconds(60)).until(() -> http.get("/queue?status=queued,running&limit=1").json().isEmpty());

      int done = 0;
      String page = "/queue?status=done&limit=1000";
      while (page != null) {
        var reply = http.get(page);
        done += reply.json().size();
        String link = reply.headers().get("Link");
        page = link == null ? null : link.substring(1, link.indexOf('>'));
      }
      assertEquals(TASKS + 10, done);
      assertEquals(List.of(), logs.events().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
          .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList());
    }
  }

  private static Future<Void> post(HttpProbe http, AtomicInteger next) {
    if (next.getAndIncrement() >= TASKS) return Future.succeededFuture();
    return http.sendAsync(HttpMethod.POST, "/noop_task", null, Map.of())
        .compose(reply -> reply.status() == 200 ? post(http, next) : Future.failedFuture("POST answered " + reply));
  }
}
