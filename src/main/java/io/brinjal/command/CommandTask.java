package io.brinjal.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.json.Json;
import io.brinjal.task.InvalidParameterException;
import io.brinjal.task.ParamSpec;
import io.brinjal.task.Task;
import io.brinjal.task.TaskFailedException;
import io.brinjal.task.TaskType;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A configured command as a task: {@link #run()} starts the program in a process group of its
 * own, turns its standard output into live updates (see {@link OutputLine}), and ends with it:
 * exit code 0 is {@code done}, anything else {@code failed} with {@code error_type}
 * {@code CommandFailed} and the tail of standard error as the traceback. A cancel, delete,
 * timeout or shutdown (the flag and the interrupt) ends the whole group, SIGTERM then SIGKILL.
 */
public final class CommandTask extends Task {
  static final int OUTPUT_LINES = 100;
  static final int OUTPUT_CHARS = 64 * 1024;
  /** A longer line is cut here (a {@code result:} line up to this size is still read whole). */
  static final int MAX_READ_LINE_CHARS = 1024 * 1024;
  /** After the group is gone, how long its pipes may take to drain. */
  private static final long DRAIN_MILLIS = 5_000;

  private final CommandSpec spec;
  private final Map<String, Object> values = new LinkedHashMap<>(); // parameter values, defaults first

  // written by the stdout reader thread, read by it and by run() at the end: guarded by this
  private final LineTail output = new LineTail(OUTPUT_LINES, OUTPUT_CHARS);
  private JsonNode result;

  CommandTask(CommandSpec spec) {
    this.spec = spec;
    spec.params().forEach(p -> values.put(p.name(), p.defaultValue()));
  }

  /** The task type of a configured command: its parameters read and write this task's values. */
  public static TaskType typeOf(CommandSpec spec) {
    Map<String, ParamSpec> params = new LinkedHashMap<>();
    for (CommandSpec.Param p : spec.params()) {
      params.put(p.name(), ParamSpec.declared(p.name(), p.type().javaType, p.defaultValue(), p.description(),
          task -> ((CommandTask) task).values.get(p.name()), (task, v) -> ((CommandTask) task).values.put(p.name(), v)));
    }
    return TaskType.declared(spec.taskType(), spec.route(), spec.description(), params, () -> new CommandTask(spec));
  }

  @Override
  public String semaphoreName() {
    return spec.semaphore();
  }

  @Override
  public Duration runTimeout() {
    return spec.timeout();
  }

  /**
   * The JVM writes arguments and environment variables in this encoding (from the locale it was
   * started with); a value it cannot write would reach the program changed ({@code ?}).
   */
  private static final Charset ARGUMENT_ENCODING = argumentEncoding();

  @Override
  protected void validate() {
    values.forEach((name, value) -> {
      if (value == null) throw new InvalidParameterException(name, "must not be null");
      if (value instanceof String s && s.indexOf('\0') >= 0) {
        throw new InvalidParameterException(name, "must not contain a NUL character (no program argument can)");
      }
      if (value instanceof String s && !ARGUMENT_ENCODING.newEncoder().canEncode(s)) {
        throw new InvalidParameterException(name, "has characters that cannot reach the program intact: the server"
            + " runs with the " + ARGUMENT_ENCODING + " encoding (start it under a UTF-8 locale, e.g. LANG=C.UTF-8)");
      }
    });
  }

  private static Charset argumentEncoding() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (IllegalArgumentException e) {
      return StandardCharsets.UTF_8;
    }
  }

  @Override
  protected void run() throws Exception {
    Map<String, String> texts = new LinkedHashMap<>();
    values.forEach((name, value) -> texts.put(name, value instanceof String s ? s : Json.toTree(value).asText()));
    List<String> argv = spec.render(texts);
    Path scratch = scratchDir();
    Path cwd = spec.cwd() == null ? Path.of("").toAbsolutePath() : Path.of(spec.cwd()).toAbsolutePath();
    Map<String, String> env = new LinkedHashMap<>(spec.env());
    texts.forEach((name, text) -> env.put("BRINJAL_PARAM_" + name.toUpperCase(Locale.ROOT), text));
    env.put("BRINJAL_TASK_ID", String.valueOf(taskId()));
    env.put("BRINJAL_SCRATCH_DIR", scratch.toString());
    String path = env.getOrDefault("PATH", System.getenv("PATH"));
    if (ProcessGroup.locate(argv.get(0), path, cwd) == null) {
      throw new TaskFailedException("CommandNotFound", "program '" + argv.get(0) + "' was not found or is not executable"
          + (argv.get(0).contains("/") ? " (relative to " + cwd + ")" : " on PATH " + path), null);
    }
    ProcessGroup group;
    try {
      group = ProcessGroup.start(argv, env, cwd);
    } catch (IOException e) {
      throw new TaskFailedException("CommandFailed", "could not start " + argv.get(0) + ": " + e.getMessage(), null);
    }
    LineTail errors = new LineTail(OUTPUT_LINES, OUTPUT_CHARS);
    Thread out = reader(group.stdout(), this::onOutputLine, "stdout");
    Thread err = reader(group.stderr(), errors::add, "stderr");
    int code = -1;
    try {
      code = group.waitFor(this::isCancelled); // worker thread: blocks; an interrupt (cancel) ends it
    } finally {
      group.terminate(spec.killGrace()); // always: nothing the command started outlives the task
      boolean interrupted = Thread.interrupted(); // a cancel's interrupt must not cut the drain short
      drain(out);
      drain(err);
      publishOutput();
      if (interrupted) Thread.currentThread().interrupt();
    }
    if (code == 0 || isCancelled()) return; // a cancel's end is the engine's to write
    throw new TaskFailedException("CommandFailed", argv.get(0) + " " + describeExit(code),
        errors.isEmpty() ? null : errors.text());
  }

  /** Lets a reader finish the lines still in its pipe (the writers are gone, so it ends soon). */
  private static void drain(Thread reader) {
    try {
      reader.join(DRAIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // asked again: stop waiting, the lines read so far are kept
    }
  }

  /** stdout reader thread. */
  private synchronized void onOutputLine(String line) {
    OutputLine parsed = OutputLine.parse(line);
    if (parsed instanceof OutputLine.Progress p) setProgress(p.value());
    else if (parsed instanceof OutputLine.Heading h) setHeading(h.text());
    else if (parsed instanceof OutputLine.Body b) setBody(b.text());
    else if (parsed instanceof OutputLine.Img i) setImg(i.url());
    else if (parsed instanceof OutputLine.Result r) {
      result = r.value();
      publishOutput();
    } else if (parsed instanceof OutputLine.Plain plain) {
      output.add(plain.text());
      publishOutput();
    }
  }

  /** {@code results}: the last {@code result:} value and the last plain output lines. */
  private synchronized void publishOutput() {
    ObjectNode results = Json.object();
    results.set("result", result);
    var lines = results.putArray("output");
    output.lines().forEach(lines::add);
    setResults(results);
  }

  /** The JVM reports a process ended by signal N as 128 + N. */
  static String describeExit(int code) {
    String signal = switch (code - 128) {
      case 1 -> "SIGHUP";
      case 2 -> "SIGINT";
      case 6 -> "SIGABRT";
      case 9 -> "SIGKILL";
      case 11 -> "SIGSEGV";
      case 13 -> "SIGPIPE";
      case 15 -> "SIGTERM";
      default -> null;
    };
    return "exited with code " + code + (signal == null ? "" : " (killed by signal " + (code - 128) + ", " + signal + ")");
  }

  private Thread reader(InputStream stream, Consumer<String> onLine, String name) {
    Thread t = new Thread(() -> readLines(stream, onLine), "brinjal-command-" + taskId() + "-" + name);
    t.setDaemon(true); // a pipe held open by a process that escaped its group must not hold the JVM
    t.start();
    return t;
  }

  /** Splits UTF-8 text into lines (\n, \r\n), cutting any line at {@link #MAX_READ_LINE_CHARS}. */
  static void readLines(InputStream stream, Consumer<String> onLine) {
    try (Reader in = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder();
      char[] buf = new char[8192];
      int n;
      while ((n = in.read(buf)) != -1) {
        for (int i = 0; i < n; i++) {
          char c = buf[i];
          if (c == '\n') {
            int end = line.length();
            if (end > 0 && line.charAt(end - 1) == '\r') line.setLength(end - 1);
            onLine.accept(line.toString());
            line.setLength(0);
          } else if (line.length() < MAX_READ_LINE_CHARS) {
            line.append(c);
          }
        }
      }
      if (line.length() > 0) onLine.accept(line.toString());
    } catch (IOException e) {
      // the pipe was closed under us: what was read is kept
    }
  }
}
