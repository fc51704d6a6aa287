package io.brinjal;

import io.brinjal.support.PostgresServer;
import io.brinjal.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several semaphores per task and per-key limits with two nodes on one PostgreSQL database: the
 * limits hold for the cluster, whichever node claims.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterConcurrencyControlApiTest {

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13, 14})
  void aRandomMixOnTwoNodesNeverDeadlocksAndNeverExceedsALimit(long seed, Vertx vertx) {
    PostgresServer.Database db = PostgresServer.get().newDatabase();
    String config = ConcurrencyControlApiTest.RandomMix.CONFIG + ", \"store\": {\"type\": \"postgres\", \"url\": \""
        + db.url() + "\"}}";
    ConcurrencyControlApiTest.RandomMix.run(
        List.of(TestServer.start(vertx, config).http(), TestServer.start(vertx, config).http()), seed);
  }
}
