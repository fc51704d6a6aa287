package io.brinjal.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The one object shared between a task's worker thread and the event loop.
 *
 * <p>The worker writes the live fields (volatile, so the loop sees them) and asks for a flush;
 * {@code flushPending} makes that at most one hop to the loop per burst of writes, however fast
 * the task writes. The loop reads everything at once in {@link #drainInto}. Cancellation is a
 * small lock-free state machine so that an interrupt can only ever hit this task's thread.
 */
public final class TaskControl {
  private static final int IDLE = 0, RUNNING = 1, INTERRUPTING = 2, FINISHED = 3;

  private final String taskId;
  private final Runnable requestFlush;
  private final Supplier<Path> scratchRoot;

  // written by the worker thread, read by the event loop
  private volatile int progress;
  private volatile String heading;
  private volatile String body;
  private volatile String img;
  private volatile JsonNode results;
  private volatile String failedReason;

  private final AtomicBoolean flushPending = new AtomicBoolean();
  private volatile boolean cancelRequested;
  private final AtomicInteger runState = new AtomicInteger(IDLE);
  private volatile Thread worker;
  private volatile Path scratchDir;

  public TaskControl(String taskId, Runnable requestFlush, Supplier<Path> scratchRoot) {
    this.taskId = taskId;
    this.requestFlush = requestFlush;
    this.scratchRoot = scratchRoot;
  }

  /** For a task used outside the engine (unit tests of task code): changes are only kept. */
  public static TaskControl detached() {
    return new TaskControl(null, () -> {}, () -> Path.of(System.getProperty("java.io.tmpdir")));
  }

  // ---- any thread (the task's setters) ----

  void setProgress(int value) {
    progress = value;
    changed();
  }

  void setHeading(String value) {
    heading = value;
    changed();
  }

  void setBody(String value) {
    body = value;
    changed();
  }

  void setImg(String value) {
    img = value;
    changed();
  }

  void setResults(Object value) {
    results = value == null ? null : Json.toTree(value);
    changed();
  }

  void markFailed(String reason) {
    failedReason = reason == null ? "" : reason;
    changed();
  }

  int progress() {
    return progress;
  }

  String taskId() {
    return taskId;
  }

  public boolean isCancelRequested() {
    return cancelRequested;
  }

  synchronized Path scratchDir() {
    // synchronized: only the task's own threads (run and hook) race here, never the loop
    if (scratchDir == null) {
      try {
        scratchDir = Files.createTempDirectory(scratchRoot.get(), "task-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return scratchDir;
  }

  private void changed() {
    if (flushPending.compareAndSet(false, true)) requestFlush.run();
  }

  // ---- worker thread: brackets around run() ----

  /**
   * Returns false when a cancel came before the thread started: run() must then be skipped.
   * Always pair with {@link #leaveOnWorker()} in a finally block.
   */
  public boolean enterOnWorker() {
    worker = Thread.currentThread();
    runState.set(RUNNING);
    return !cancelRequested; // read after RUNNING is visible: a later cancel will interrupt us
  }

  public void leaveOnWorker() {
    if (!runState.compareAndSet(RUNNING, FINISHED)) {
      // an interrupt is being delivered right now: wait for it so it cannot leak to the next task
      while (runState.get() == INTERRUPTING) Thread.onSpinWait();
      runState.set(FINISHED);
    }
    worker = null;
    Thread.interrupted(); // pool threads are reused: never hand one on interrupted
  }

  public Path scratchDirIfCreated() {
    return scratchDir;
  }

  // ---- event loop ----

  /** Sets the cooperative flag, then interrupts the worker thread if it is inside run(). */
  public void requestCancelOnLoop() {
    cancelRequested = true;
    if (runState.compareAndSet(RUNNING, INTERRUPTING)) {
      Thread thread = worker;
      if (thread != null) thread.interrupt();
      runState.set(RUNNING);
    }
  }

  /** The worker thread's stack right now (empty if it is not inside run()). */
  public StackTraceElement[] workerStackOnLoop() {
    Thread thread = worker;
    return thread == null ? new StackTraceElement[0] : thread.getStackTrace();
  }

  /** Reopens the gate before reading, so a write that lands after the read asks again. */
  public void drainInto(LiveValues target) {
    flushPending.set(false);
    target.progress = progress;
    target.heading = heading;
    target.body = body;
    target.img = img;
    target.results = results;
    target.failedReason = failedReason;
  }

  /** After the terminal state: further writes (a stray hook) must not ask the loop again. */
  public void closeOnLoop() {
    flushPending.set(true);
  }

  /** Plain holder the loop copies live fields into. */
  public static final class LiveValues {
    public int progress;
    public String heading;
    public String body;
    public String img;
    public JsonNode results;
    public String failedReason;
  }
}
