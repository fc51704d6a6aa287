package io.brinjal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.sqlite.SQLiteException;

/**
 * One JDBC connection to the store's file and the statements prepared on it, kept for reuse (the
 * SQL of the hot operations is compiled once per connection). Confined to one thread at a time:
 * the writer thread owns the write connection, a read worker borrows a read connection.
 */
final class SqliteConnection implements AutoCloseable {
  private final Connection jdbc;
  private final Statement plain;
  private final Map<String, PreparedStatement> prepared = new HashMap<>();

  SqliteConnection(Connection jdbc) throws SQLException {
    this.jdbc = jdbc;
    this.plain = jdbc.createStatement();
  }

  /** A prepared statement for {@code sql}, compiled on first use. Close its result sets, not it. */
  PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement ps = prepared.get(sql);
    if (ps == null || ps.isClosed()) {
      ps = jdbc.prepareStatement(sql);
      prepared.put(sql, ps);
    }
    return ps;
  }

  /**
   * Closes the prepared statements, to be prepared afresh when next used: after a failure, as
   * sqlite-jdbc may leave a statement that failed unusable (closed, or mid-step).
   */
  void forgetStatements() {
    for (PreparedStatement ps : prepared.values()) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // prepared afresh anyway
      }
    }
    prepared.clear();
  }

  /** Runs a statement that answers no rows (BEGIN, COMMIT, SAVEPOINT, DDL, PRAGMA x = y). */
  void exec(String sql) throws SQLException {
    plain.execute(sql);
  }

  /** The first column of the first row of {@code sql} as text (a PRAGMA's value), or null. */
  String queryText(String sql) throws SQLException {
    try (ResultSet rs = plain.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  long queryLong(String sql) throws SQLException {
    try (ResultSet rs = plain.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  Connection jdbc() {
    return jdbc;
  }

  @Override
  public void close() {
    forgetStatements();
    try {
      plain.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
    try {
      jdbc.close();
    } catch (SQLException ignored) {
      // nothing more to release
    }
  }

  // ---------------------------------------------------------------- errors

  /** SQLite's primary result code of a failure (the low byte of an extended code), or -1. */
  static int primaryCode(Throwable e) {
    if (e instanceof SQLiteException s && s.getResultCode() != null) return s.getResultCode().code & 0xff;
    return -1;
  }

  static final int SQLITE_ERROR = 1;
  static final int SQLITE_BUSY = 5;
  static final int SQLITE_LOCKED = 6;
  static final int SQLITE_CONSTRAINT = 19;
  static final int SQLITE_MISMATCH = 20;
  static final int SQLITE_NOTADB = 26;
  static final int SQLITE_TOOBIG = 18;
  static final int SQLITE_RANGE = 25;

  /**
   * Whether a failure is the store's (disk full, I/O error, locked, corrupt, closed: the whole
   * transaction is lost or suspect) rather than one operation's (a constraint, a bad value).
   */
  static boolean isStoreFailure(Throwable e) {
    if (!(e instanceof SQLException)) return false;
    int code = primaryCode(e);
    return !(code == SQLITE_CONSTRAINT || code == SQLITE_ERROR || code == SQLITE_MISMATCH
        || code == SQLITE_TOOBIG || code == SQLITE_RANGE);
  }

  /** SQLite's reason in words, e.g. {@code [SQLITE_FULL] ... (database or disk is full)}. */
  static String reason(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
