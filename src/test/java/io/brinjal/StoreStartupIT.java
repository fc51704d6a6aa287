package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.support.JarProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store the server cannot use stops the start of the real jar with exit code 2 and one line
 * naming the path and the reason; a store it can use is created on first start.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StoreStartupIT {
  @TempDir
  Path dir;

  private String refusedStart(Path store, List<String> prefix, Path workDir) {
    return refusedStart(store, prefix, workDir, JarProcess.JAR);
  }

  private String refusedStart(Path store, List<String> prefix, Path workDir, Path jar) {
    JarProcess server = JarProcess.start(Map.of("BRINJAL_STORE_PATH", store.toString()), workDir, prefix, jar);
    int exit = server.awaitExit();
    String output = server.output();
    assertEquals(2, exit, output);
    assertTrue(output.contains("brinjal: cannot use the task store: store.path: " + store), output);
    assertFalse(output.contains("\tat "), "a message, not a stack trace: " + output);
    return output;
  }

  @Test
  void aFileThatIsNotASqliteDatabaseIsRefusedNamingIt() throws IOException {
    Path store = Files.writeString(dir.resolve("notes.txt"), "these are my notes, not a database\n");
    assertTrue(refusedStart(store, List.of(), dir).contains("is not a SQLite database"));
    assertEquals("these are my notes, not a database\n", Files.readString(store), "the file is left as it was");
  }

  @Test
  void aSqliteDatabaseOfAnotherProgramIsRefusedAndLeftAlone() throws Exception {
    Path store = dir.resolve("other.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)");
      s.execute("INSERT INTO invoices (amount) VALUES (12.5)");
    }
    assertTrue(refusedStart(store, List.of(), dir).contains("is a SQLite database but not a Brinjal task store"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store); Statement s = c.createStatement()) {
      assertTrue(s.executeQuery("SELECT amount FROM invoices").next(), "its data is untouched");
    }
  }

  @Test
  void aFolderIsRefusedNamingIt() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("brinjal.db"));
    String output = refusedStart(folder, List.of(), dir);
    assertTrue(output.contains("is a folder, not a file"), output);
  }

  @Test
  void aPathUnderAFileIsRefusedNamingTheFolderItCannotCreate() throws IOException {
    Path aFile = Files.writeString(dir.resolve("data"), "x");
    assertTrue(refusedStart(aFile.resolve("brinjal.db"), List.of(), dir).contains("cannot create folder"));
  }

  @Test
  void aFolderThisProcessMayNotWriteIsRefusedNamingIt() throws Exception {
    Path folder = Files.createDirectory(dir.resolve("readonly"));
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
    // root may write anywhere: run the jar as an ordinary user then, as a service would be
    boolean root = "root".equals(System.getProperty("user.name"));
    List<String> asUser = root ? List.of("runuser", "-u", "nobody", "--") : List.of();
    Path workDir = dir;
    Path jar = JarProcess.JAR;
    if (root) { // that user must be able to read the jar and enter the folders
      Path open = Files.createTempDirectory("brinjal-jar-");
      Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.copy(JarProcess.JAR, open.resolve("brinjal.jar"), StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      workDir = open;
      jar = open.resolve("brinjal.jar");
    }
    String output = refusedStart(folder.resolve("brinjal.db"), asUser, workDir, jar);
    assertTrue(output.contains("is not writable"), output);
  }

  @Test
  void onFirstStartTheDefaultFileIsCreatedUnderTheWorkingDirectory() throws Exception {
    try (JarProcess server = JarProcess.startReady(Map.of(), dir)) {
      assertEquals(200, server.post("/noop_task", "{}").statusCode());
      assertTrue(Files.exists(dir.resolve("data/brinjal.db")), "store.path defaults to data/brinjal.db");
    }
  }

  @Test
  void aSecondServerOnTheSameFileIsRefusedWhileTheFirstRuns() {
    Path store = dir.resolve("shared.db");
    try (JarProcess first = JarProcess.startReady(Map.of("BRINJAL_STORE_PATH", store.toString()), dir)) {
      String output = refusedStart(store, List.of(), dir);
      assertTrue(output.contains("is in use by another Brinjal server"), output);
    }
    try (JarProcess afterwards = JarProcess.startReady(Map.of("BRINJAL_STORE_PATH", store.toString()), dir)) {
      assertTrue(afterwards.pid() > 0, "the lock went with the first server");
    }
  }
}
