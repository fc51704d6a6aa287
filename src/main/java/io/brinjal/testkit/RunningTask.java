package io.brinjal.testkit;

import io.brinjal.task.Task;
import io.brinjal.task.TaskControl;
import io.brinjal.task.TaskStatus;
import io.brinjal.task.TaskType;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** A task {@link TaskRunner} started: cancel it, look at its changes so far, wait for its end. */
public final class RunningTask {
  private final String taskId;
  private final TaskControl control;
  private final ChangeRecorder recorder;
  private final CompletableFuture<TaskOutcome> end = new CompletableFuture<>();
  private volatile boolean timedOut;

  private RunningTask(String taskId, TaskControl control, ChangeRecorder recorder) {
    this.taskId = taskId;
    this.control = control;
    this.recorder = recorder;
  }

  static RunningTask start(String taskId, TaskType type, Task task, TaskControl control, ChangeRecorder recorder,
      Clock clock) {
    RunningTask running = new RunningTask(taskId, control, recorder);
    Thread worker = new Thread(() -> running.runOnWorker(type, task, clock), "brinjal-testkit-" + type.route());
    worker.setDaemon(true);
    worker.start();
    return running;
  }

  public String taskId() {
    return taskId;
  }

  /** As {@code POST /{id}/cancel}: the cancel flag, then an interrupt of the thread inside run(). */
  public void cancel() {
    control.requestCancelOnLoop();
  }

  public List<TaskChange> changesSoFar() {
    return recorder.changes();
  }

  /** Waits for the end; an {@link AssertionError} if the task still runs after {@code timeout}. */
  public TaskOutcome awaitEnd(Duration timeout) {
    try {
      return end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the task still runs after " + timeout + "; its changes so far: " + changesSoFar());
    } catch (ExecutionException e) {
      throw new IllegalStateException("the test kit failed to run the task", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the task", e);
    }
  }

  // worker thread: may block
  private void runOnWorker(TaskType type, Task task, Clock clock) {
    try {
      Instant startedAt = clock.instant();
      Throwable error = null;
      Thread hook = type.hasProgressHook() ? pollHook(type, task) : null;
      Thread timer = task.runTimeout() == null ? null : stopAfter(task.runTimeout(), type);
      try {
        if (control.enterOnWorker()) Task.Access.run(task);
      } catch (Throwable e) {
        error = e;
      } finally {
        if (hook != null) hook.interrupt();
        if (timer != null) timer.interrupt();
        control.leaveOnWorker();
      }
      if (hook != null) hook.join();
      recorder.drain(); // writes the hook made after the last flush
      end.complete(outcome(type, task, error, startedAt, clock.instant()));
    } catch (Throwable e) {
      end.completeExceptionally(e);
    } finally {
      deleteScratchDir();
    }
  }

  private Thread pollHook(TaskType type, Task task) {
    long intervalNanos = task.updateInterval().toNanos();
    Thread hook = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          TimeUnit.NANOSECONDS.sleep(intervalNanos);
          Task.Access.progressHook(task);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // the server logs a failing hook at debug level and polls again: so do we
        }
      }
    }, "brinjal-testkit-hook-" + type.route());
    hook.setDaemon(true);
    hook.start();
    return hook;
  }

  /** The server's run timeout, in real time: stopped like a cancel, then reported as a failure. */
  private Thread stopAfter(Duration timeout, TaskType type) {
    Thread timer = new Thread(() -> {
      try {
        TimeUnit.NANOSECONDS.sleep(timeout.toNanos());
        timedOut = true;
        control.requestCancelOnLoop();
      } catch (InterruptedException e) {
        // run() ended first
      }
    }, "brinjal-testkit-timeout-" + type.route());
    timer.setDaemon(true);
    timer.start();
    return timer;
  }

  private TaskOutcome outcome(TaskType type, Task task, Throwable error, Instant startedAt, Instant completedAt) {
    TaskControl.LiveValues live = recorder.last();
    TaskStatus status = TaskStatus.DONE;
    String body = live.body;
    String errorType = null, errorMessage = null, traceback = null;
    if (timedOut) {
      status = TaskStatus.FAILED;
      errorType = "TimeoutException";
      errorMessage = "run() exceeded its timeout of " + task.runTimeout().toMillis() / 1000.0 + " s";
      body = "Task failed: " + errorMessage;
    } else if (control.isCancelRequested()) {
      status = TaskStatus.CANCELLED;
    } else if (error != null) {
      status = TaskStatus.FAILED;
      errorType = error.getClass().getSimpleName();
      errorMessage = error.getMessage() == null ? error.toString() : error.getMessage();
      StringWriter trace = new StringWriter();
      error.printStackTrace(new PrintWriter(trace));
      traceback = trace.toString();
      if (!mentionsFailure(body, errorMessage)) body = "Task failed: " + errorMessage;
    } else if (live.failedReason != null) {
      status = TaskStatus.FAILED;
      errorMessage = live.failedReason.isEmpty() ? null : live.failedReason;
    }
    return new TaskOutcome(taskId, type.name(), status, type.paramsOf(task), live.progress, live.heading,
        body, live.img, live.results, errorType, errorMessage, traceback, startedAt, completedAt, recorder.changes());
  }

  /** The server's rule: a body that already speaks of the failure is kept. */
  private static boolean mentionsFailure(String body, String message) {
    if (body == null) return false;
    String lower = body.toLowerCase();
    return lower.contains("fail") || lower.contains("error") || body.contains(message);
  }

  private void deleteScratchDir() {
    Path dir = control.scratchDirIfCreated();
    if (dir == null) return;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
