package io.brinjal.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Another program holding the write lock of a SQLite store (as a backup tool or a careless
 * {@code sqlite3} session would): every write the server tries fails once its busy timeout is
 * up, until {@link #close()}.
 */
public final class StoreLock implements AutoCloseable {
  private final Connection connection;

  private StoreLock(Connection connection) {
    this.connection = connection;
  }

  public static StoreLock hold(Path file) {
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("BEGIN EXCLUSIVE");
      }
      return new StoreLock(c);
    } catch (SQLException e) {
      throw new IllegalStateException("could not lock " + file, e);
    }
  }

  @Override
  public void close() {
    try (Statement s = connection.createStatement()) {
      s.execute("ROLLBACK");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    } finally {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // closing a connection we are done with
      }
    }
  }
}
