package io.brinjal.store;

import io.brinjal.config.BrinjalConfig;
import io.brinjal.support.PostgresServer;
import io.vertx.core.Vertx;

/** The store contract, durable part included, on a real PostgreSQL: a fresh database per store. */
class PgTaskStoreTest extends DurableTaskStoreContract {
  private String lastUrl;

  @Override
  protected TaskStore newStore(Vertx vertx, BrinjalConfig.Retention retention) {
    lastUrl = PostgresServer.get().newDatabase().url();
    return new PgTaskStore(vertx, PgTaskStore.connectOptions(lastUrl, null), 4, retention);
  }

  @Override
  protected TaskStore reopenedStore(Vertx vertx, BrinjalConfig.Retention retention) {
    return new PgTaskStore(vertx, PgTaskStore.connectOptions(lastUrl, null), 4, retention);
  }
}
