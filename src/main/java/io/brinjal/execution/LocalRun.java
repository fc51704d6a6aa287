package io.brinjal.execution;

import java.util.List;

import io.brinjal.store.TaskState;
import io.brinjal.task.Task;
import io.brinjal.task.TaskControl;
import io.brinjal.task.TaskFailedException;
import io.brinjal.task.TaskStatus;
import io.brinjal.task.TaskType;
import io.vertx.core.Future;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One task running on this node: what exists only where it runs (the {@link Task} object, its
 * {@link TaskControl}, the timers around it) next to the last state written to the store and
 * the live values its worker wrote since. Event-loop confined: the worker thread never touches
 * it; its writes arrive through the control and are copied in by {@link #absorbLiveValues()}.
 */
final class LocalRun {
  /** Why a running task is being stopped. */
  enum StopReason {
    CANCEL,
    TIMEOUT
  }

  final TaskType type;
  final Lane lane;
  /** The lanes of the other semaphores it holds a permit of (released with its own). */
  final List<Lane> extraLanes = new java.util.ArrayList<>(0);
  final TaskControl control;
  Task task;
  private TaskState stored; // the last state the store holds for it
  private final TaskControl.LiveValues live = new TaskControl.LiveValues();
  private Future<TaskState> writes; // every write waits for the previous one: each names its version

  // shown now, written with the next write
  private TaskStatus status = TaskStatus.RUNNING;
  private boolean abandoned;
  private String abandonedMessage;
  private StopReason stopReason;
  private String timeoutStack;
  /** Interrupted by a graceful stop (not by a client's cancel): a task with attempts left runs again later. */
  boolean stoppedByShutdown;
  /** Deleted while it ran: its end is published but not stored. */
  boolean removed;
  /** Its thread left run(); its end is being written (the permit is about to be free). */
  boolean finishing;
  /**
   * No longer this node's: another node took the task over (this node's lease ran out). Its
   * thread is interrupted; nothing of it is written or announced any more.
   */
  boolean fenced;

  // timers and flags, also loop-confined
  long flushTimer = -1;
  /** Paces its live events (created with its first change). */
  FlushBudget flushBudget;
  long saveTimer = -1;
  long lastSaveNanos = Long.MIN_VALUE / 2;
  long hookTimer = -1;
  long timeoutTimer = -1;
  long graceTimer = -1;
  boolean hookInFlight;

  LocalRun(TaskState claimed, TaskType type, Lane lane, TaskControl control) {
    this.stored = claimed;
    this.type = type;
    this.lane = lane;
    this.control = control;
    this.writes = Future.succeededFuture(claimed);
    this.live.progress = claimed.progress();
    this.live.heading = claimed.heading();
    this.live.body = claimed.body();
    this.live.img = claimed.img();
    this.live.results = claimed.results();
  }

  String id() {
    return stored.id();
  }

  /** The state last written; see {@link #current()} for what clients see now. */
  TaskState state() {
    return stored;
  }

  TaskStatus status() {
    return status;
  }

  StopReason stopReason() {
    return stopReason;
  }

  boolean isAbandoned() {
    return abandoned;
  }

  /** The stored state with what changed since: live values, cancelling, abandoned. Same version. */
  TaskState current() {
    return withLocalChanges(stored.toBuilder()).build();
  }

  private TaskState.Builder withLocalChanges(TaskState.Builder b) {
    b.status(status).progress(live.progress).heading(live.heading).body(live.body).img(live.img).results(live.results)
        .abandoned(abandoned);
    if (abandoned) b.errorMessage(abandonedMessage);
    return b;
  }

  /**
   * Writes the next version of what the task shows now, changed by {@code change}, after any
   * write still in flight (each names the version before it). {@code store} is the store call,
   * {@code storedOf} the state it answers; after a failed write the next one simply tries again
   * from the last stored version.
   */
  <T> Future<T> write(UnaryOperator<TaskState.Builder> change, Function<TaskState, Future<T>> store,
      Function<T, TaskState> storedOf) {
    Future<T> result = writes.transform(previous -> store.apply(change.apply(withLocalChanges(stored.next())).build()));
    writes = result.map(storedOf).andThen(ar -> {
      if (ar.succeeded()) stored = ar.result();
    });
    return result;
  }

  /**
   * The store holds a newer version that is still this run's (same owner and attempt: another
   * node only asked for a cancel): go on from it. The next write names its version.
   */
  void adopt(TaskState current) {
    stored = current;
  }

  /** Whether {@code current} is still this run: claimed by this node for the same attempt. */
  boolean isStillMine(TaskState current, String nodeId) {
    return current != null && nodeId.equals(current.owner()) && current.attempt() == stored.attempt() && current.holdsPermit();
  }

  // ---- changes on the loop

  /** Copies what the worker wrote; true if anything a client sees changed. */
  boolean absorbLiveValues() {
    int progress = live.progress;
    String heading = live.heading;
    String body = live.body;
    String img = live.img;
    var results = live.results;
    control.drainInto(live);
    return progress != live.progress || !Objects.equals(heading, live.heading) || !Objects.equals(body, live.body)
        || !Objects.equals(img, live.img) || !Objects.equals(results, live.results);
  }

  String failedReasonFromTask() {
    return live.failedReason;
  }

  void markCancelling(StopReason reason) {
    status = TaskStatus.CANCELLING;
    stopReason = reason;
  }

  /** Where the worker thread was when the timeout hit: the traceback a timeout reports. */
  void captureTimeoutStack(StackTraceElement[] stack) {
    StringBuilder out = new StringBuilder("java.util.concurrent.TimeoutException: ").append(timeoutMessage());
    for (StackTraceElement frame : stack) out.append("\n\tat ").append(frame);
    timeoutStack = out.append('\n').toString();
  }

  void markAbandoned(long graceMillis) {
    abandoned = true;
    abandonedMessage = "the worker thread did not leave run() within " + graceMillis
        + " ms of being stopped; it is abandoned and keeps its '" + lane.name + "' permit until it returns";
  }

  private String timeoutMessage() {
    return "run() exceeded its timeout of " + stored.runTimeoutMillis() / 1000.0 + " s";
  }

  // ---- how it ends: each builds the terminal state from the current one

  TaskState.Builder timedOut(TaskState.Builder b, Instant now) {
    String message = timeoutMessage();
    return b.status(TaskStatus.FAILED).completedAt(now)
        .error("TimeoutException", message, timeoutStack).body("Task failed: " + message);
  }

  TaskState.Builder cancelled(TaskState.Builder b, Instant now) {
    b.status(TaskStatus.CANCELLED).completedAt(now);
    if (abandoned) b.errorMessage("the worker thread returned after it had been abandoned");
    return b;
  }

  /** Done: an earlier attempt's error is not this end's. */
  static TaskState.Builder done(TaskState.Builder b, Instant now) {
    return b.status(TaskStatus.DONE).completedAt(now).error(null, null, null);
  }

  /** The task set {@code failed} itself; its reason, if any, becomes the error message. */
  static TaskState.Builder failedByTask(TaskState.Builder b, Instant now, String reason) {
    return b.status(TaskStatus.FAILED).completedAt(now)
        .errorMessage(reason == null || reason.isEmpty() ? null : reason);
  }

  /** run() threw: type, message and trace, and a body saying so unless the task's own does. */
  static TaskState.Builder failed(TaskState.Builder b, Instant now, Throwable error, String body) {
    String message = error.getMessage() == null ? error.toString() : error.getMessage();
    String type;
    String trace;
    if (error instanceof TaskFailedException own) { // the task's own error type and trace (a child process's stderr)
      type = own.errorType();
      trace = own.traceback();
    } else {
      StringWriter stack = new StringWriter();
      error.printStackTrace(new PrintWriter(stack));
      type = error.getClass().getSimpleName();
      trace = stack.toString();
    }
    b.status(TaskStatus.FAILED).completedAt(now).error(type, message, trace);
    if (!mentionsFailure(body, message)) b.body("Task failed: " + message);
    return b;
  }

  private static boolean mentionsFailure(String body, String message) {
    if (body == null) return false;
    String lower = body.toLowerCase();
    return lower.contains("fail") || lower.contains("error") || body.contains(message);
  }
}
