package io.brinjal.store;

import io.brinjal.config.BrinjalConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract, durable part included, on a real SQLite file. */
class SqliteTaskStoreTest extends DurableTaskStoreContract {
  @TempDir Path dir;
  private int stores;
  private Path lastFile;

  @Override
  protected TaskStore newStore(Vertx vertx, BrinjalConfig.Retention retention) {
    lastFile = dir.resolve("tasks-" + (++stores) + ".db");
    return new SqliteTaskStore(vertx, lastFile, retention, SqliteTaskStore.Options.defaults());
  }

  @Override
  protected TaskStore reopenedStore(Vertx vertx, BrinjalConfig.Retention retention) {
    return new SqliteTaskStore(vertx, lastFile, retention, SqliteTaskStore.Options.defaults());
  }
}
