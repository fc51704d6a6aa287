package io.brinjal.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for the tests, started once per JVM and stopped when it exits.
 *
 * <p>If {@code BRINJAL_TEST_PG_URL} is set ({@code postgresql://user:password@host:port/db}, a
 * user allowed to CREATE DATABASE who logs in with a password: the tests check that a wrong one
 * is refused), the tests use that server, each in databases of its own, dropped at exit; the
 * tests that restart the server are skipped there. Otherwise Debian's binaries
 * ({@code /usr/lib/postgresql/<newest>/bin}) are used to {@code initdb} a throwaway cluster in a
 * temporary folder and start it on a free port of 127.0.0.1, with a socket folder of its own and
 * fsync left on. {@code initdb} refuses to run as root, so as root the cluster belongs to the
 * {@code postgres} user and every command runs through {@code runuser -u postgres --}. Host
 * connections log in with {@code scram-sha-256}, so the tests go through SCRAM for real.
 *
 * <p>Neither binaries nor the variable: {@link #get()} fails with what to install. It never
 * skips: CI installs the {@code postgresql} package and must run these tests.
 */
public final class PostgresServer {
  public static final String URL_VARIABLE = "BRINJAL_TEST_PG_URL";
  private static final Path DEBIAN_BINARIES = Path.of("/usr/lib/postgresql");
  /** The superuser that administers the throwaway cluster (creates the databases). */
  private static final String ADMIN = "brinjal_admin";
  /** The role the stores log in as: owner of each test database, not a superuser. */
  private static final String STORE_USER = "brinjal_store";

  private static PostgresServer instance; // guarded by PostgresServer.class

  /** A database made for one test, and the URL a store connects to it with. */
  public record Database(String name, String url) {}

  private final boolean local;
  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final String adminUser;
  private final String adminPassword;
  private final String adminDatabase;
  // local cluster only
  private final Path folder;
  private final Path bin;
  private final Path data;
  private final Path sockets;
  private final Path log;
  private final boolean asPostgresUser;

  private final AtomicInteger databases = new AtomicInteger();
  private final String prefix = "brinjal_t" + ProcessHandle.current().pid() + "_";
  private final List<String> created = new ArrayList<>(); // guarded by this
  private Vertx vertx; // guarded by this
  private Pool admin; // guarded by this
  private boolean running; // guarded by this

  private PostgresServer(boolean local, String host, int port, String user, String password, String adminUser,
      String adminPassword, String adminDatabase, Path folder, Path bin, boolean asPostgresUser) {
    this.local = local;
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.adminUser = adminUser;
    this.adminPassword = adminPassword;
    this.adminDatabase = adminDatabase;
    this.folder = folder;
    this.bin = bin;
    this.data = folder == null ? null : folder.resolve("data");
    this.sockets = folder == null ? null : folder.resolve("sockets");
    this.log = folder == null ? null : folder.resolve("postgresql.log");
    this.asPostgresUser = asPostgresUser;
  }

  /** The running server, started at the first call. */
  public static synchronized PostgresServer get() {
    if (instance == null) {
      String url = System.getenv(URL_VARIABLE);
      PostgresServer server = url != null && !url.isBlank() ? external(url.trim()) : local();
      Runtime.getRuntime().addShutdownHook(new Thread(server::shutDown, "postgres-test-server-stop"));
      instance = server;
    }
    return instance;
  }

  // ---------------------------------------------------------------- the server given by the environment

  private static PostgresServer external(String url) {
    PgConnectOptions o;
    try {
      o = PgConnectOptions.fromUri(url);
    } catch (RuntimeException e) {
      throw new IllegalStateException(URL_VARIABLE + " is not a postgresql:// URL", e);
    }
    PostgresServer server = new PostgresServer(false, o.getHost(), o.getPort(), o.getUser(), o.getPassword(),
        o.getUser(), o.getPassword(), o.getDatabase(), null, null, false);
    synchronized (server) {
      server.running = true;
    }
    server.adminSql("SELECT 1");
    return server;
  }

  // ---------------------------------------------------------------- the throwaway cluster

  private static PostgresServer local() {
    Path bin = newestBinaries();
    if (bin == null) {
      throw new IllegalStateException("PostgreSQL tests need a PostgreSQL server: install Debian's postgresql package "
          + "(apt-get install postgresql; its binaries go to " + DEBIAN_BINARIES + "/<version>/bin) or set "
          + URL_VARIABLE + "=postgresql://user:password@host:port/db naming a server where that user may CREATE DATABASE");
    }
    boolean root = isRoot();
    Path folder;
    try {
      folder = Files.createTempDirectory("brinjal-pg-");
      Files.createDirectories(folder.resolve("sockets"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String adminPassword = secret();
    String storePassword = secret();
    PostgresServer server = new PostgresServer(true, "127.0.0.1", freePort(), STORE_USER, storePassword, ADMIN,
        adminPassword, "postgres", folder, bin, root);
    server.initCluster(adminPassword);
    server.start();
    server.adminSql("CREATE ROLE " + STORE_USER + " LOGIN PASSWORD '" + storePassword + "'");
    return server;
  }

  private static Path newestBinaries() {
    if (!Files.isDirectory(DEBIAN_BINARIES)) return null;
    try (Stream<Path> versions = Files.list(DEBIAN_BINARIES)) {
      return versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")) && Files.isExecutable(v.resolve("bin/pg_ctl")))
          .max(Comparator.comparing(PostgresServer::versionOf))
          .map(v -> v.resolve("bin"))
          .orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** "15" → 15.0, "9.6" → 9.6: the folder names of Debian's versions. */
  private static double versionOf(Path versionFolder) {
    try {
      return Double.parseDouble(versionFolder.getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean isRoot() {
    try {
      Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(10, TimeUnit.SECONDS);
      return out.equals("0");
    } catch (IOException e) {
      return "root".equals(System.getProperty("user.name"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String secret() {
    byte[] bytes = new byte[12];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void initCluster(String adminPassword) {
    try {
      Path pwfile = folder.resolve("pwfile");
      Files.writeString(pwfile, adminPassword + "\n");
      if (asPostgresUser) run(List.of("chown", "-R", "postgres:postgres", folder.toString()), false);
      run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", ADMIN, "--pwfile=" + pwfile,
          "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"),
          true);
      Files.delete(pwfile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the cluster (again, after {@link #stop}) on the same port, and waits until it accepts connections. */
  public synchronized void start() {
    if (!local) throw new UnsupportedOperationException("the server named by " + URL_VARIABLE + " is not ours to start");
    if (running) return;
    String options = "-c listen_addresses=127.0.0.1 -p " + port + " -k " + sockets
        + " -c max_connections=200 -c shared_buffers=32MB";
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(), "-w", "-t", "60",
        "-o", options, "start"), true);
    running = true;
  }

  /** Stops the cluster (fast shutdown: sessions are ended, what was committed stays). */
  public synchronized void stop() {
    if (!local) throw new UnsupportedOperationException("the server named by " + URL_VARIABLE + " is not ours to stop");
    if (!running) return;
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop"), true);
    running = false;
  }

  /** Whether {@link #stop} and {@link #start} work: only for the throwaway cluster. */
  public boolean canRestart() {
    return local;
  }

  /** The postmaster's process id (throwaway cluster only, while running). */
  public synchronized long pid() {
    if (!local || !running) throw new IllegalStateException("no local PostgreSQL is running");
    try {
      return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a command (as the postgres user if we are root); fails with its output and the server log. */
  private void run(List<String> command, boolean asServerUser) {
    List<String> full = new ArrayList<>();
    if (asServerUser && asPostgresUser) full.addAll(List.of("runuser", "-u", "postgres", "--"));
    full.addAll(command);
    try {
      // the JVM opens the file and the command inherits it: no need for the postgres user to own it
      Path output = Files.createTempFile(folder, "command-", ".out");
      Process p = new ProcessBuilder(full).directory(folder.toFile()).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      if (!p.waitFor(90, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(describe(full) + " did not finish in 90 s" + outputs(output));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(describe(full) + " failed with exit code " + p.exitValue() + outputs(output));
      }
      Files.deleteIfExists(output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + describe(full), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String describe(List<String> command) {
    return "`" + String.join(" ", command) + "`";
  }

  private String outputs(Path output) {
    StringBuilder sb = new StringBuilder();
    sb.append("\n--- its output (").append(output).append("):\n").append(tail(output));
    if (log != null && Files.exists(log)) sb.append("\n--- the server log (").append(log).append("):\n").append(tail(log));
    return sb.toString();
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  // ---------------------------------------------------------------- databases

  /** A new, empty database owned by the store's user, and its URL. */
  public Database newDatabase() {
    String name = prefix + databases.incrementAndGet();
    String owner = local ? " OWNER " + STORE_USER : "";
    adminSql("CREATE DATABASE " + name + owner);
    synchronized (this) {
      created.add(name);
    }
    return new Database(name, url(name));
  }

  /** The URL of a database of this server, with the store user's password in it. */
  public String url(String database) {
    return "postgresql://" + user + ":" + password + "@" + host + ":" + port + "/" + database;
  }

  /** The URL without the password (for a store given the password apart). */
  public String urlWithoutPassword(String database) {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** Where the throwaway cluster writes its log (null for a server given by the environment). */
  public Path log() {
    return log;
  }

  /** Runs one statement as the administrator, on the server's maintenance database. */
  public void adminSql(String sql) {
    await(adminPool().query(sql).execute().mapEmpty(), "`" + sql + "`");
  }

  /** One number from a query run as the administrator on {@code database}. */
  public long queryLong(String database, String sql) {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(adminOptions(database))
        .using(vertx()).build();
    try {
      return await(pool.query(sql).execute().map(rows -> rows.iterator().next().getLong(0)), "`" + sql + "`");
    } finally {
      await(pool.close(), "closing a pool");
    }
  }

  private synchronized Vertx vertx() {
    if (vertx == null) vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    return vertx;
  }

  private PgConnectOptions adminOptions(String database) {
    return new PgConnectOptions().setHost(host).setPort(port).setUser(adminUser).setPassword(adminPassword)
        .setDatabase(database);
  }

  private synchronized Pool adminPool() {
    if (admin == null) {
      admin = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(adminOptions(adminDatabase))
          .using(vertx()).build();
    }
    return admin;
  }

  private <T> T await(Future<T> future, String what) {
    try {
      return future.await(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + " did not answer in 60 s", e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(what + " failed on the test PostgreSQL: " + e.getMessage()
          + (log == null ? "" : " (server log: " + log + ")"), e);
    }
  }

  // ---------------------------------------------------------------- at JVM exit

  private void shutDown() {
    try {
      if (!local) {
        List<String> names;
        synchronized (this) {
          names = List.copyOf(created);
        }
        for (String name : names) {
          try {
            adminSql("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
          } catch (RuntimeException ignored) {
            // best effort: the server is not ours
          }
        }
      } else {
        synchronized (this) {
          if (running) {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), true);
            running = false;
          }
        }
        deleteRecursively(folder);
      }
    } catch (RuntimeException e) {
      System.err.println("could not stop the test PostgreSQL: " + e.getMessage());
    } finally {
      Vertx v;
      synchronized (this) {
        v = vertx;
      }
      if (v != null) {
        try {
          v.close().await(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // exiting anyway
        }
      }
    }
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp folder: left behind at worst
    }
  }
}
