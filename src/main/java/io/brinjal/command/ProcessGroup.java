package io.brinjal.command;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program started as the leader of a process group of its own, so that it and everything it
 * starts (a shell's children, a Python pool's workers) can be signalled together. Java cannot
 * make a process group, so the program is started through {@code setsid} (util-linux): started
 * from the JVM it is never a group leader already, so {@code setsid} execs the program in place
 * and the process Java holds is the program itself, whose pid is the group's id.
 *
 * <p>Used by one task's worker thread; {@link #terminate} may block for the grace period.
 */
final class ProcessGroup {
  static final String SETSID = "setsid";
  private static final Duration POLL = Duration.ofMillis(50);

  private final Process process;
  private final long pgid;

  private ProcessGroup(Process process) {
    this.process = process;
    this.pgid = process.pid();
  }

  /** Starts {@code argv} in a new session and process group; standard input is closed. */
  static ProcessGroup start(List<String> argv, Map<String, String> env, Path cwd) throws IOException {
    List<String> command = new ArrayList<>(argv.size() + 1);
    command.add(SETSID);
    command.addAll(argv);
    ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().putAll(env);
    return new ProcessGroup(builder.start());
  }

  InputStream stdout() {
    return process.getInputStream();
  }

  InputStream stderr() {
    return process.getErrorStream();
  }

  long pid() {
    return pgid;
  }

  /**
   * Waits for the leader to exit and answers its exit code (128 + the signal for one that a
   * signal ended, as the JVM reports it). Returns -1 early, the process still running, as soon as
   * {@code stop} says so; an interrupt ends the wait with InterruptedException.
   */
  int waitFor(java.util.function.BooleanSupplier stop) throws InterruptedException {
    while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
      if (stop.getAsBoolean()) return -1;
    }
    return process.exitValue();
  }

  /**
   * Ends every process left in the group: SIGTERM, then SIGKILL to whatever is still there after
   * {@code grace}. Returns once the leader is reaped. Interrupts that arrive meanwhile (a cancel
   * asked again) are held back, since this is what they ask for, and restored on return.
   */
  void terminate(Duration grace) {
    boolean interrupted = Thread.interrupted();
    if (groupAlive()) {
      signal("TERM");
      long deadline = System.nanoTime() + grace.toNanos();
      while (groupAlive() && System.nanoTime() - deadline < 0) {
        try {
          Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (groupAlive()) signal("KILL");
    }
    interrupted |= waitUninterruptibly(process, grace.toMillis() + 1000); // after SIGKILL: at once
    if (interrupted || heldInterrupt) Thread.currentThread().interrupt();
    heldInterrupt = false;
  }

  private boolean heldInterrupt;

  /** Whether any process of the group is still there (the leader, or one it left behind). */
  private boolean groupAlive() {
    return kill("-0") == 0;
  }

  private void signal(String name) {
    kill("-" + name);
  }

  /** {@code kill -SIG -- -pgid}: the negative id addresses the whole group. */
  private int kill(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", signal, "--", "-" + pgid)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      heldInterrupt |= waitUninterruptibly(kill, 10_000);
      return kill.isAlive() ? 1 : kill.exitValue();
    } catch (IOException e) {
      return 1;
    }
  }

  /** Waits up to {@code millis} for {@code p}; answers whether an interrupt came meanwhile. */
  private static boolean waitUninterruptibly(Process p, long millis) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (true) {
      try {
        p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }

  /**
   * Where {@code program} would be found: a path with a slash as it is (against {@code cwd}),
   * a bare name on {@code PATH}; null if it is not there or not executable.
   */
  static Path locate(String program, String path, Path cwd) {
    if (program.contains("/")) {
      Path p = cwd.resolve(program);
      return Files.isRegularFile(p) && Files.isExecutable(p) ? p : null;
    }
    if (path == null) return null;
    for (String dir : path.split(":")) {
      Path p = (dir.isEmpty() ? cwd : cwd.resolve(dir)).resolve(program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
    }
    return null;
  }
}
