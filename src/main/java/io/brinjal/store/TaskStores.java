package io.brinjal.store;

import io.brinjal.config.BrinjalConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/** The store the configuration asks for ({@code store.type}), not yet opened. */
public final class TaskStores {
  private TaskStores() {}

  /** @param context the event loop a memory store is confined to (the engine's) */
  public static TaskStore fromConfig(Vertx vertx, Context context, BrinjalConfig config) {
    BrinjalConfig.Store store = config.store();
    return switch (store.type()) {
      case "memory" -> new MemoryTaskStore(context, config.retention());
      case "sqlite" -> new SqliteTaskStore(vertx, Path.of(store.path()), config.retention(),
          new SqliteTaskStore.Options(store.busyTimeoutMs(), store.synchronousFull()));
      case "postgres" -> new PgTaskStore(vertx,
          PgTaskStore.connectOptions(store.url(), store.password().isEmpty() ? null : store.password()),
          store.poolSize(), config.retention());
      default -> throw new IllegalArgumentException("store.type " + store.type());
    };
  }
}
