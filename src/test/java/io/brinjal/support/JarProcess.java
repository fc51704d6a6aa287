package io.brinjal.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The real server: {@code target/brinjal.jar} started as a child process, as users start it,
 * with its output in a file. For the integration tests ({@code *IT}), which run after the jar
 * is packaged.
 */
public final class JarProcess implements AutoCloseable {
  public static final Path JAR = Path.of("target/brinjal.jar");
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int port;
  private final Path log;

  private JarProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts the jar with these environment variables (and a free port) and waits until it is ready. */
  public static JarProcess startReady(Map<String, String> env, Path workDir) {
    JarProcess server = start(env, workDir, List.of());
    server.awaitReady();
    return server;
  }

  /** Starts the jar; {@code prefix} runs before {@code java} (e.g. {@code runuser -u nobody --}). */
  public static JarProcess start(Map<String, String> env, Path workDir, List<String> prefix) {
    return start(env, workDir, prefix, JAR);
  }

  /** As above, with a copy of the jar elsewhere (where another user may read it). */
  public static JarProcess start(Map<String, String> env, Path workDir, List<String> prefix, Path jar) {
    return launch(env, workDir, prefix, List.of("-jar", jar.toAbsolutePath().toString()));
  }

  /** {@code java -cp <the jar>:<more> io.brinjal.Main}: the server with more jars on its classpath. */
  public static JarProcess startWithClasspath(Map<String, String> env, Path workDir, List<Path> more) {
    StringBuilder classpath = new StringBuilder(JAR.toAbsolutePath().toString());
    more.forEach(p -> classpath.append(java.io.File.pathSeparatorChar).append(p.toAbsolutePath()));
    return launch(env, workDir, List.of(), List.of("-cp", classpath.toString(), "io.brinjal.Main"));
  }

  private static JarProcess launch(Map<String, String> env, Path workDir, List<String> prefix, List<String> javaArgs) {
    try {
      int port = freePort();
      Path log = Files.createTempFile("brinjal-jar-", ".log");
      List<String> command = new ArrayList<>(prefix);
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(javaArgs);
      ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      Map<String, String> environment = new HashMap<>(Map.of("BRINJAL_HTTP_HOST", "127.0.0.1",
          "BRINJAL_HTTP_PORT", Integer.toString(port), "BRINJAL_TASK_LOG_LEVEL", "WARN"));
      environment.putAll(env);
      builder.environment().putAll(environment);
      return new JarProcess(builder.start(), port, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public void awaitReady() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new AssertionError("the server exited with " + process.exitValue() + ":\n" + output());
      try {
        if (get("/health/ready").statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // a child process sends no event: poll its probe
    }
    throw new AssertionError("the server was not ready within 60 s:\n" + output());
  }

  /** Waits for the process to exit by itself (a refused start); answers its exit code. */
  public int awaitExit() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("still running after 60 s:\n" + output());
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** SIGKILL: no shutdown hook, no flush, nothing of the JVM's runs. */
  public void killHard() {
    try {
      Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(process.pid())).start();
      if (kill.waitFor() != 0) throw new AssertionError("kill -KILL " + process.pid() + " failed");
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  public HttpResponse<String> get(String path) throws IOException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public HttpResponse<String> post(String path, String json) throws IOException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** A POST with extra headers (job options). */
  public HttpResponse<String> post(String path, String json, Map<String, String> headers) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    headers.forEach(request::header);
    return send(request);
  }

  public JsonNode json(String path) {
    try {
      HttpResponse<String> response = get(path);
      if (response.statusCode() != 200) throw new AssertionError("GET " + path + ": " + response.statusCode() + " " + response.body());
      return Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the task's SSE stream to its terminal event; answers that event's task JSON. */
  public JsonNode awaitEnd(String taskId) {
    return new io.brinjal.testkit.BrinjalClient(URI.create("http://127.0.0.1:" + port)).awaitEnd(taskId);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
    try {
      return CLIENT.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
