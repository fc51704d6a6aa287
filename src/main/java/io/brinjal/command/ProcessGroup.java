package io.brinjal.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
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
  private static final Path PROC = Path.of("/proc");
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
    List<ProcessHandle> members = members();
    if (!members.isEmpty()) {
      members.forEach(ProcessHandle::destroy); // SIGTERM
      long deadline = System.nanoTime() + grace.toNanos();
      while (!(members = members()).isEmpty() && System.nanoTime() - deadline < 0) {
        try {
          Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      // SIGKILL; again while any is left, for one that forked between the reading and the signal
      for (int round = 0; round < 10 && !members.isEmpty(); round++, members = members()) {
        members.forEach(ProcessHandle::destroyForcibly);
      }
    }
    while (true) {
      try {
        process.waitFor(grace.toMillis() + 1000, TimeUnit.MILLISECONDS); // after SIGKILL: at once
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  /**
   * The group's processes that are alive (not zombies), from {@code /proc}: the group id is the
   * fifth field of {@code /proc/PID/stat}. Read there rather than by running {@code kill}, which
   * slim container images lack.
   */
  private List<ProcessHandle> members() {
    List<ProcessHandle> out = new ArrayList<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path proc : procs) {
        String stat;
        try {
          stat = Files.readString(proc.resolve("stat"));
        } catch (IOException | UncheckedIOException e) {
          continue; // it has just ended
        }
        // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4);
        if (fields.length < 3 || fields[0].equals("Z") || Long.parseLong(fields[2]) != pgid) continue;
        ProcessHandle.of(Long.parseLong(proc.getFileName().toString())).ifPresent(out::add);
      }
    } catch (IOException e) {
      if (process.isAlive()) out.add(process.toHandle()); // no /proc: the leader at least
    }
    return out;
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
