package io.brinjal.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.json.Json;
import io.brinjal.task.Task;
import io.brinjal.task.TaskControl;
import io.brinjal.task.TaskStatus;
import io.brinjal.task.TaskType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The server's view of one task. Event-loop confined: created, read and changed only on the
 * engine's event loop. The worker thread never touches it; its writes arrive through the
 * task's {@link TaskControl} and are copied in by {@link #absorbLiveValues()}.
 */
public final class TaskRecord {
  private final String id;
  private final String parentId;
  private final TaskType type;
  private final Task task;
  private final TaskControl control;
  private final String semaphore;
  private final ObjectNode params;
  private final Instant createdAt;
  private final Duration runTimeout;
  private final TaskControl.LiveValues live = new TaskControl.LiveValues();

  private TaskStatus status = TaskStatus.QUEUED;
  private int progress;
  private String heading;
  private String body;
  private String img;
  private JsonNode results;
  private Instant startedAt;
  private Instant completedAt;
  private String errorType;
  private String errorMessage;
  private String errorTraceback;
  private StopReason stopReason;
  private boolean abandoned;
  private String timeoutStack;

  /** Why a running task is being stopped. */
  public enum StopReason {
    CANCEL,
    TIMEOUT
  }

  // scheduling state, also loop-confined
  long flushTimer = -1;
  long lastLiveFlushNanos = Long.MIN_VALUE / 2;
  long hookTimer = -1;
  long timeoutTimer = -1;
  long graceTimer = -1;
  boolean hookInFlight;
  boolean removed;
  Lane lane;
  int publishedPosition;

  TaskRecord(String id, String parentId, TaskType type, Task task, TaskControl control,
      String semaphore, Instant createdAt, Duration runTimeout) {
    this.id = id;
    this.parentId = parentId;
    this.type = type;
    this.task = task;
    this.control = control;
    this.semaphore = semaphore;
    this.params = type.paramsOf(task);
    this.createdAt = createdAt;
    this.runTimeout = runTimeout;
  }

  public String id() {
    return id;
  }

  public TaskStatus status() {
    return status;
  }

  public TaskType type() {
    return type;
  }

  public String semaphore() {
    return semaphore;
  }

  public ObjectNode params() {
    return params;
  }

  public String parentId() {
    return parentId;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public Instant completedAt() {
    return completedAt;
  }

  public String errorType() {
    return errorType;
  }

  public String errorMessage() {
    return errorMessage;
  }

  Task task() {
    return task;
  }

  TaskControl control() {
    return control;
  }

  void markRunning(Instant now) {
    status = TaskStatus.RUNNING;
    startedAt = now;
  }

  Duration runTimeout() {
    return runTimeout;
  }

  StopReason stopReason() {
    return stopReason;
  }

  boolean isAbandoned() {
    return abandoned;
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
    errorMessage = "the worker thread did not leave run() within " + graceMillis
        + " ms of being stopped; it is abandoned and keeps its '" + semaphore + "' permit until it returns";
  }

  void markTimedOut(Instant now) {
    status = TaskStatus.FAILED;
    completedAt = now;
    errorType = "TimeoutException";
    errorMessage = timeoutMessage();
    errorTraceback = timeoutStack;
    body = "Task failed: " + errorMessage;
  }

  private String timeoutMessage() {
    return "run() exceeded its timeout of " + runTimeout.toMillis() / 1000.0 + " s";
  }

  void markCancelled(Instant now) {
    status = TaskStatus.CANCELLED;
    completedAt = now;
    if (abandoned) errorMessage = "the worker thread returned after it had been abandoned";
  }

  void markDone(Instant now) {
    status = TaskStatus.DONE;
    completedAt = now;
  }

  /** The task set {@code failed} itself; its reason, if any, becomes the error message. */
  void markFailedByTask(Instant now, String reason) {
    status = TaskStatus.FAILED;
    completedAt = now;
    errorMessage = reason == null || reason.isEmpty() ? null : reason;
  }

  void markFailed(Instant now, Throwable error) {
    status = TaskStatus.FAILED;
    completedAt = now;
    errorType = error.getClass().getSimpleName();
    errorMessage = error.getMessage() == null ? error.toString() : error.getMessage();
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    errorTraceback = trace.toString();
    if (!bodyMentionsFailure()) body = "Task failed: " + errorMessage;
  }

  private boolean bodyMentionsFailure() {
    if (body == null) return false;
    String lower = body.toLowerCase();
    return lower.contains("fail") || lower.contains("error") || body.contains(errorMessage);
  }

  /** Copies what the worker wrote; returns true if anything a client sees changed. */
  boolean absorbLiveValues() {
    control.drainInto(live);
    boolean changed = progress != live.progress
        || !Objects.equals(heading, live.heading)
        || !Objects.equals(body, live.body)
        || !Objects.equals(img, live.img)
        || !Objects.equals(results, live.results);
    progress = live.progress;
    heading = live.heading;
    body = live.body;
    img = live.img;
    results = live.results;
    return changed;
  }

  String failedReasonFromTask() {
    return live.failedReason;
  }

  /** Every key, always, with null where unset: clients replace their card with it. */
  public ObjectNode toJson() {
    return toJson(null, null);
  }

  /** With the place in line of a queued task (1 = next) and when it may start, if known. */
  ObjectNode toJson(Integer queuePosition, Instant estimatedStartAt) {
    ObjectNode o = Json.object();
    o.put("task_id", id);
    o.put("parent_id", parentId);
    o.put("task_type", type.name());
    o.put("status", status.wire());
    o.put("progress", progress);
    o.put("semaphore_name", semaphore);
    o.put("img", img);
    o.put("heading", heading);
    o.put("body", body);
    o.put("created_at", Json.timestamp(createdAt));
    o.put("started_at", Json.timestamp(startedAt));
    o.put("completed_at", Json.timestamp(completedAt));
    o.put("error_type", errorType);
    o.put("error_message", errorMessage);
    o.put("error_traceback", errorTraceback);
    o.set("results", results);
    o.set("params", params);
    if (queuePosition == null) o.putNull("queue_position");
    else o.put("queue_position", queuePosition);
    o.put("estimated_start_at", Json.timestamp(estimatedStartAt));
    o.put("abandoned", abandoned);
    return o;
  }
}
