package io.brinjal.store;

import io.brinjal.config.BrinjalConfig;
import io.vertx.core.Vertx;

/** The store contract, in memory. */
class MemoryTaskStoreTest extends TaskStoreContract {
  @Override
  protected TaskStore newStore(Vertx vertx, BrinjalConfig.Retention retention) {
    return new MemoryTaskStore(vertx.getOrCreateContext(), retention);
  }
}
