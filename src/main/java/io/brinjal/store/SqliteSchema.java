package io.brinjal.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.sqlite.SQLiteConfig;

/**
 * The store's file: opening connections to it, checking that it is a Brinjal task store, and the
 * schema with its migrations. {@code PRAGMA user_version} holds how many migration steps were
 * applied; {@code PRAGMA application_id} marks the file as Brinjal's.
 */
final class SqliteSchema {
  /** "BRJL". */
  static final int APPLICATION_ID = 0x42524A4C;

  private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  /** Migration steps: the n-th (from 1) brings a file from user_version n-1 to n. Append only. */
  static final List<List<String>> MIGRATIONS = List.of(
      List.of(
          """
          CREATE TABLE tasks (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            version INTEGER NOT NULL,
            parent_id TEXT,
            task_type TEXT NOT NULL,
            semaphore TEXT NOT NULL,
            status TEXT NOT NULL,
            progress INTEGER NOT NULL,
            heading TEXT,
            body TEXT,
            img TEXT,
            results TEXT,
            params TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            started_at INTEGER,
            completed_at INTEGER,
            error_type TEXT,
            error_message TEXT,
            error_traceback TEXT,
            abandoned INTEGER NOT NULL,
            run_timeout_ms INTEGER,
            priority INTEGER NOT NULL,
            owner TEXT,
            attempt INTEGER NOT NULL,
            cancel_requested INTEGER NOT NULL
          )""",
          // the waiting line of each semaphore, in claim order; with id and parent_id it also
          // answers queued() by itself (index only, no table lookups)
          "CREATE INDEX tasks_queued ON tasks (semaphore, priority DESC, seq, id, parent_id) WHERE status = 'queued'",
          // permits held per semaphore
          "CREATE INDEX tasks_holding ON tasks (semaphore) WHERE status IN ('running', 'cancelling')",
          // finished tasks, oldest first, for pruning each kind by its own retention
          "CREATE INDEX tasks_done ON tasks (completed_at, seq) WHERE status = 'done'",
          "CREATE INDEX tasks_failed ON tasks (completed_at, seq) WHERE status IN ('failed', 'cancelled')",
          // listing by status
          "CREATE INDEX tasks_status ON tasks (status, seq)",
          "CREATE TABLE schedules (pos INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, definition TEXT NOT NULL)",
          "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
      List.of(
          // Idempotency-Key: a create's key, what it was used for, the task it made, until it expires
          "CREATE TABLE idempotency_keys (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, task_id TEXT NOT NULL, "
              + "expires_at INTEGER NOT NULL) WITHOUT ROWID",
          "CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at)"),
      List.of(
          // delayed starts and retries: a scheduled task queues at run_at; attempts are bounded
          "ALTER TABLE tasks ADD COLUMN run_at INTEGER",
          "ALTER TABLE tasks ADD COLUMN max_attempts INTEGER NOT NULL DEFAULT 1",
          "CREATE INDEX tasks_scheduled ON tasks (run_at, seq) WHERE status = 'scheduled'"),
      List.of(
          // several semaphores per task, per-key limits, and round-robin turns among keys: the
          // waiting line is ordered by turn within a priority: a keyed task's fair_tag, else its
          // seq; the key index finds a key's last turn when one of its tasks is added
          "ALTER TABLE tasks ADD COLUMN extra_semaphores TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE tasks ADD COLUMN concurrency_key TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE tasks ADD COLUMN fair_tag INTEGER",
          "DROP INDEX tasks_queued",
          "CREATE INDEX tasks_queued ON tasks (semaphore, priority DESC, coalesce(fair_tag, seq), seq, id, parent_id, "
              + "concurrency_key, extra_semaphores) WHERE status = 'queued'",
          "CREATE INDEX tasks_queued_keys ON tasks (semaphore, concurrency_key, fair_tag) "
              + "WHERE status = 'queued' AND fair_tag IS NOT NULL"));

  /** The schema version this code writes. */
  static int latest() {
    return MIGRATIONS.size();
  }

  /** Columns that make a {@code tasks} table ours even without our application_id. */
  private static final Set<String> OUR_TASK_COLUMNS =
      Set.of("seq", "id", "version", "task_type", "semaphore", "status", "params", "created_at");

  private SqliteSchema() {}

  // ---------------------------------------------------------------- opening

  /**
   * Opens the write connection: creates the folder and the file if needed, checks the file is
   * ours, switches it to WAL, applies missing migrations and makes sure no other program holds
   * the write lock. Throws {@link StoreOpenException} naming the file and the reason.
   */
  static SqliteConnection openWriter(Path file, SqliteTaskStore.Options options) {
    String where = "store.path: " + file;
    checkPlace(file, where);
    SqliteConnection c;
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setBusyTimeout(options.busyTimeoutMillis());
      c = new SqliteConnection(config.createConnection(url(file)));
    } catch (SQLException e) {
      throw new StoreOpenException(where + " cannot be opened: " + SqliteConnection.reason(e), e);
    }
    try {
      prepare(c, options, where);
      return c;
    } catch (StoreOpenException e) {
      c.close();
      throw e;
    } catch (SQLException e) {
      c.close();
      throw new StoreOpenException(where + " " + explain(e, options), e);
    } catch (RuntimeException e) {
      c.close();
      throw new StoreOpenException(where + " cannot be opened: " + e, e);
    }
  }

  /** A read-only connection to a file the writer opened already. */
  static SqliteConnection openReader(Path file, SqliteTaskStore.Options options) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(options.busyTimeoutMillis());
    SqliteConnection c = new SqliteConnection(config.createConnection(url(file)));
    try {
      c.exec("PRAGMA busy_timeout = " + options.busyTimeoutMillis());
      c.exec("PRAGMA synchronous = " + (options.synchronousFull() ? "FULL" : "NORMAL"));
      return c;
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  private static String url(Path file) {
    return "jdbc:sqlite:" + file;
  }

  /** What can be told before SQLite looks at the file: the folder, and what the file is. */
  static void checkPlace(Path file, String where) {
    Path folder = file.getParent();
    if (folder != null) {
      try {
        Files.createDirectories(folder);
      } catch (FileAlreadyExistsException e) {
        throw new StoreOpenException(where + ": cannot create folder " + folder + ": "
            + e.getFile() + " exists and is not a folder", e);
      } catch (IOException | SecurityException e) {
        throw new StoreOpenException(where + ": cannot create folder " + folder + ": " + plain(e), e);
      }
      if (!Files.isWritable(folder)) {
        throw new StoreOpenException(where + ": the folder " + folder + " is not writable", null);
      }
    }
    if (Files.isDirectory(file)) throw new StoreOpenException(where + " is a folder, not a file", null);
    if (!Files.exists(file)) return;
    if (!Files.isReadable(file) || !Files.isWritable(file)) {
      throw new StoreOpenException(where + " cannot be read and written by this process", null);
    }
    byte[] head = new byte[SQLITE_HEADER.length];
    int read;
    try (InputStream in = Files.newInputStream(file)) {
      read = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw new StoreOpenException(where + " cannot be read: " + plain(e), e);
    }
    if (read == 0) return; // an empty file is a new database
    if (read < head.length || !Arrays.equals(head, SQLITE_HEADER)) {
      throw new StoreOpenException(where + " is not a SQLite database", null);
    }
  }

  private static void prepare(SqliteConnection c, SqliteTaskStore.Options options, String where) throws SQLException {
    c.exec("PRAGMA busy_timeout = " + options.busyTimeoutMillis());
    int applicationId = (int) c.queryLong("PRAGMA application_id");
    int userVersion = (int) c.queryLong("PRAGMA user_version");
    Set<String> tables = tables(c);
    boolean ours = applicationId == APPLICATION_ID;
    if (!ours) {
      boolean empty = tables.isEmpty();
      if (applicationId != 0 || (!empty && !hasOurTaskTable(c, tables))) {
        throw new StoreOpenException(where + " is a SQLite database but not a Brinjal task store (application_id "
            + applicationId + ", tables " + (empty ? "none" : String.join(", ", tables)) + ")", null);
      }
      if (empty) userVersion = 0; // a new or empty file: whatever its header says, nothing is applied
    }
    if (userVersion > latest()) {
      throw new StoreOpenException(where + " was written by a newer Brinjal (schema version " + userVersion
          + "; this server knows up to " + latest() + ")", null);
    }

    String mode = c.queryText("PRAGMA journal_mode = WAL");
    if (!"wal".equalsIgnoreCase(mode)) {
      throw new StoreOpenException(where + " cannot be switched to WAL mode (journal_mode is " + mode + ")", null);
    }
    c.exec("PRAGMA synchronous = " + (options.synchronousFull() ? "FULL" : "NORMAL"));

    for (int version = userVersion + 1; version <= latest(); version++) {
      c.exec("BEGIN IMMEDIATE");
      try {
        for (String sql : MIGRATIONS.get(version - 1)) c.exec(sql);
        c.exec("PRAGMA user_version = " + version);
        c.exec("PRAGMA application_id = " + APPLICATION_ID);
        c.exec("COMMIT");
      } catch (SQLException e) {
        try {
          c.exec("ROLLBACK");
        } catch (SQLException ignored) {
          // already rolled back
        }
        throw e;
      }
      ours = true;
    }
    if (!ours) c.exec("PRAGMA application_id = " + APPLICATION_ID); // our tables from before the mark

    // fail now, with a clear message, rather than at the first write
    c.exec("BEGIN IMMEDIATE");
    c.exec("ROLLBACK");
  }

  private static Set<String> tables(SqliteConnection c) throws SQLException {
    Set<String> names = new LinkedHashSet<>();
    try (Statement st = c.jdbc().createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
      while (rs.next()) names.add(rs.getString(1));
    }
    return names;
  }

  private static boolean hasOurTaskTable(SqliteConnection c, Set<String> tables) throws SQLException {
    if (!tables.contains("tasks")) return false;
    Set<String> columns = new LinkedHashSet<>();
    try (Statement st = c.jdbc().createStatement(); ResultSet rs = st.executeQuery("PRAGMA table_info(tasks)")) {
      while (rs.next()) columns.add(rs.getString("name"));
    }
    return columns.containsAll(OUR_TASK_COLUMNS);
  }

  /** A failure at open, in words, after the file's name. */
  private static String explain(SQLException e, SqliteTaskStore.Options options) {
    int code = SqliteConnection.primaryCode(e);
    if (code == SqliteConnection.SQLITE_NOTADB) return "is not a SQLite database (" + SqliteConnection.reason(e) + ")";
    if (code == SqliteConnection.SQLITE_BUSY || code == SqliteConnection.SQLITE_LOCKED) {
      return "is locked by another program (still locked after " + options.busyTimeoutMillis() + " ms: "
          + SqliteConnection.reason(e) + ")";
    }
    return "cannot be opened: " + SqliteConnection.reason(e);
  }

  private static String plain(Exception e) {
    String message = e.getMessage();
    if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
    return message == null ? e.getClass().getSimpleName() : message;
  }
}
