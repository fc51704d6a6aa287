package io.brinjal;

import static io.brinjal.SemaphoreLimitApiTest.patch;
import static io.brinjal.SemaphoreLimitApiTest.semaphore;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brinjal.support.HttpProbe;
import io.brinjal.support.PostgresServer;
import io.brinjal.support.Reply;
import io.brinjal.support.TestServer;
import io.brinjal.support.tasks.Gates;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code PATCH /semaphores/{name}} with two nodes on one PostgreSQL database: one limit for the cluster. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterSemaphoreLimitApiTest {
  private Vertx vertx;
  private String config;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    PostgresServer.Database db = PostgresServer.get().newDatabase();
    config = SemaphoreLimitApiTest.POOL + ", \"store\": {\"type\": \"postgres\", \"url\": \"" + db.url() + "\"}}";
  }

  @Test
  void aChangeOnOneNodeHoldsForTheOtherAndGrowingStartsTasksThere() {
    HttpProbe a = TestServer.start(vertx, config).http();
    HttpProbe b = TestServer.start(vertx, config).http();
    List<String> gates = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      gates.add(Gates.newGate());
      (i % 2 == 0 ? a : b).create("gate_task", "{\"gate\":\"" + gates.get(i) + "\",\"semaphore_name\":\"single\"}");
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> semaphore(a, "single").get("waiting").asInt() == 5);

    Reply grown = patch(b, "single", "{\"limit\": 4}");
    assertEquals(200, grown.status(), grown.toString());
    await().atMost(Duration.ofSeconds(20)).until(() -> semaphore(a, "single").get("limit").asInt() == 4);
    await().atMost(Duration.ofSeconds(20)).until(() -> semaphore(a, "single").get("running").asInt() == 4);
    assertEquals(2, semaphore(b, "single").get("waiting").asInt(), "four run cluster-wide, no more");

    Reply shrunk = patch(a, "single", "{\"limit\": 1}");
    assertEquals(200, shrunk.status(), shrunk.toString());
    await().atMost(Duration.ofSeconds(20)).until(() -> semaphore(b, "single").get("limit").asInt() == 1);
    gates.forEach(Gates::open); // the rest run one at a time (checked by intervals in the next test)
    await().atMost(Duration.ofSeconds(30)).until(() -> semaphore(a, "single").get("waiting").asInt() == 0
        && semaphore(a, "single").get("running").asInt() == 0);
  }

  @Test
  void underLoadOnTwoNodesNoStartEverExceedsTheLimitOfItsMoment() {
    HttpProbe a = TestServer.start(vertx, config).http();
    HttpProbe b = TestServer.start(vertx, config).http();
    SemaphoreLimitApiTest.ResizeUnderLoad.run(List.of(a, b), 4, new int[] {2, 6, 1, 3});
  }

  @Test
  void theLimitSurvivesARestartOfTheCluster() {
    TestServer a = TestServer.start(vertx, config);
    assertEquals(200, patch(a.http(), "pool", "{\"limit\": 8}").status());
    a.stop();
    TestServer b = TestServer.start(vertx, config);
    assertEquals(8, semaphore(b.http(), "pool").get("limit").asInt());
    assertEquals(4, semaphore(b.http(), "pool").get("configured_limit").asInt());
  }
}
