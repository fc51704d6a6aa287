package io.brinjal.store;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayDeque;

/**
 * Read-only connections for the read workers, one per worker thread at most (they are opened
 * when first needed and kept). In WAL mode a reader sees the last committed state and never
 * waits for the writer, nor the writer for it.
 */
final class SqliteReadPool {
  /** A read run with a borrowed connection. */
  @FunctionalInterface
  interface Read<T> {
    T run(SqliteConnection connection) throws Exception;
  }

  private final Path file;
  private final SqliteTaskStore.Options options;
  private final String storeName;

  // guarded by this
  private final ArrayDeque<SqliteConnection> idle = new ArrayDeque<>();
  private boolean closed;

  SqliteReadPool(Path file, SqliteTaskStore.Options options, String storeName) {
    this.file = file;
    this.options = options;
    this.storeName = storeName;
  }

  /** Runs {@code read} with a connection of its own; SQLite failures become {@link StoreUnavailableException}. */
  <T> T read(Read<T> read) throws Exception {
    SqliteConnection c = acquire();
    boolean healthy = false;
    try {
      T result = read.run(c);
      healthy = true;
      return result;
    } catch (SQLException e) {
      throw new StoreUnavailableException(storeName + ": could not read: " + SqliteConnection.reason(e), e);
    } finally {
      release(c, healthy);
    }
  }

  /**
   * As {@link #read}, inside one read transaction: every statement sees the same committed state
   * (e.g. the chunks of a search).
   */
  <T> T readConsistent(Read<T> read) throws Exception {
    return read(c -> {
      c.exec("BEGIN");
      try {
        T result = read.run(c);
        c.exec("COMMIT");
        return result;
      } catch (Exception e) {
        try {
          c.exec("ROLLBACK");
        } catch (SQLException ignored) {
          // the connection is dropped anyway
        }
        throw e;
      }
    });
  }

  private SqliteConnection acquire() throws SQLException {
    synchronized (this) {
      if (closed) throw new StoreUnavailableException(storeName + " is closed", null);
      SqliteConnection c = idle.poll();
      if (c != null) return c;
    }
    return SqliteSchema.openReader(file, options);
  }

  private void release(SqliteConnection c, boolean healthy) {
    synchronized (this) {
      if (healthy && !closed) {
        idle.push(c);
        return;
      }
    }
    c.close();
  }

  /** Closes the idle connections; those in use are closed when their read ends. */
  void close() {
    ArrayDeque<SqliteConnection> toClose;
    synchronized (this) {
      closed = true;
      toClose = new ArrayDeque<>(idle);
      idle.clear();
    }
    toClose.forEach(SqliteConnection::close);
  }
}
