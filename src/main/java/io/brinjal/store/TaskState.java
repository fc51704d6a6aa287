package io.brinjal.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything that is kept about one task: what a {@link TaskStore} holds and what clients are
 * shown. Immutable, so it may be handed between threads and kept in snapshots; the JSON trees
 * ({@code params}, {@code results}) are never changed once they are in a state. A task's local
 * run (the {@code Task} object, its thread, its timers) is not here: it exists only on the node
 * that runs it.
 *
 * @param seq the order of creation, assigned by the store at insert; never reused
 * @param version 1 at insert, one more with every write; a write names the version it replaces,
 *     so a writer holding an old state fails instead of overwriting a newer one
 * @param owner the node running the task (null unless running or cancelling)
 * @param attempt how many times the task was claimed to run (0 while it never started)
 * @param runTimeoutMillis the longest run() may take, or null for no limit
 * @param priority higher starts first within a semaphore; equal priorities keep their order
 * @param cancelRequested a cancel was asked for while the task ran on some node
 * @param runAt when a {@code scheduled} task queues (null in any other status)
 * @param maxAttempts how many times the task may be run before it ends failed (1: no retries)
 * @param extraSemaphores the semaphores it holds a permit of besides {@code semaphore}, taken
 *     together with that one (empty for most tasks); fixed at insert
 * @param concurrencyKey its key for per-key limits (a tenant, a user), or null; fixed at insert
 * @param fairTag its turn among the keys of its semaphore (round-robin order), assigned by the
 *     store at insert like {@code seq}
 */
public record TaskState(
    String id,
    long seq,
    long version,
    String parentId,
    String taskType,
    String semaphore,
    TaskStatus status,
    int progress,
    String heading,
    String body,
    String img,
    JsonNode results,
    ObjectNode params,
    Instant createdAt,
    Instant startedAt,
    Instant completedAt,
    String errorType,
    String errorMessage,
    String errorTraceback,
    boolean abandoned,
    Long runTimeoutMillis,
    int priority,
    String owner,
    int attempt,
    boolean cancelRequested,
    Instant runAt,
    int maxAttempts,
    List<String> extraSemaphores,
    String concurrencyKey,
    long fairTag) {

  public TaskState {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(taskType, "taskType");
    Objects.requireNonNull(semaphore, "semaphore");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(createdAt, "createdAt");
    if ((status == TaskStatus.SCHEDULED) != (runAt != null)) {
      throw new IllegalArgumentException("a scheduled task needs run_at, and only a scheduled one has it");
    }
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
    extraSemaphores = extraSemaphores == null ? List.of() : List.copyOf(extraSemaphores);
    if (concurrencyKey != null && concurrencyKey.isEmpty()) concurrencyKey = null;
  }

  /** A task about to be inserted: queued, version and seq still to be assigned by the store. */
  public static Builder newTask(String id, String taskType, String semaphore, ObjectNode params, Instant createdAt) {
    Builder b = new Builder();
    b.id = id;
    b.taskType = taskType;
    b.semaphore = semaphore;
    b.params = params;
    b.createdAt = createdAt;
    b.status = TaskStatus.QUEUED;
    b.maxAttempts = 1;
    return b;
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The state that replaces this one: same fields, the next version. Change what differs. */
  public Builder next() {
    return new Builder(this).version(version + 1);
  }

  /** The same task as the store assigned it on insert. */
  public TaskState inserted(long assignedSeq, long assignedFairTag) {
    return toBuilder().seq(assignedSeq).version(1).fairTag(assignedFairTag).build();
  }

  /** The {@code fairTag} of a task without a concurrency key: its turn is its seq. */
  public static final long NO_TAG = -1;

  /** Its place among the waiting tasks of its priority: its key's turn, or its seq if it has no key. */
  public long turn() {
    return fairTag == NO_TAG ? seq : fairTag;
  }

  /** Waits in line by arrival alone: no key and one semaphore (queue positions are exact for such lines). */
  public boolean plain() {
    return concurrencyKey == null && extraSemaphores.isEmpty();
  }

  /** Every semaphore it takes a permit of: {@code semaphore} first. */
  public List<String> semaphores() {
    if (extraSemaphores.isEmpty()) return List.of(semaphore);
    List<String> all = new java.util.ArrayList<>(1 + extraSemaphores.size());
    all.add(semaphore);
    all.addAll(extraSemaphores);
    return all;
  }

  public boolean isTerminal() {
    return status.isTerminal();
  }

  /** From submission to getting a permit; null while it has none. */
  public Duration waitTime() {
    return startedAt == null ? null : Duration.between(createdAt, startedAt);
  }

  /** From getting a permit to the end; null until it ends, or if it never started. */
  public Duration runTime() {
    return startedAt == null || completedAt == null ? null : Duration.between(startedAt, completedAt);
  }

  /** Whether a failed attempt may be followed by another. */
  public boolean hasAttemptsLeft() {
    return attempt < maxAttempts;
  }

  /** Running or cancelling: it holds a permit of its semaphore. */
  public boolean holdsPermit() {
    return status == TaskStatus.RUNNING || status == TaskStatus.CANCELLING;
  }

  /** Builds states; every field starts as the source state's (or empty for a new task). */
  public static final class Builder {
    private String id;
    private long seq;
    private long version;
    private String parentId;
    private String taskType;
    private String semaphore;
    private TaskStatus status;
    private int progress;
    private String heading;
    private String body;
    private String img;
    private JsonNode results;
    private ObjectNode params;
    private Instant createdAt;
    private Instant startedAt;
    private Instant completedAt;
    private String errorType;
    private String errorMessage;
    private String errorTraceback;
    private boolean abandoned;
    private Long runTimeoutMillis;
    private int priority;
    private String owner;
    private int attempt;
    private boolean cancelRequested;
    private Instant runAt;
    private int maxAttempts;
    private List<String> extraSemaphores = List.of();
    private String concurrencyKey;
    private long fairTag = NO_TAG;

    private Builder() {}

    private Builder(TaskState s) {
      id = s.id;
      seq = s.seq;
      version = s.version;
      parentId = s.parentId;
      taskType = s.taskType;
      semaphore = s.semaphore;
      status = s.status;
      progress = s.progress;
      heading = s.heading;
      body = s.body;
      img = s.img;
      results = s.results;
      params = s.params;
      createdAt = s.createdAt;
      startedAt = s.startedAt;
      completedAt = s.completedAt;
      errorType = s.errorType;
      errorMessage = s.errorMessage;
      errorTraceback = s.errorTraceback;
      abandoned = s.abandoned;
      runTimeoutMillis = s.runTimeoutMillis;
      priority = s.priority;
      owner = s.owner;
      attempt = s.attempt;
      cancelRequested = s.cancelRequested;
      runAt = s.runAt;
      maxAttempts = s.maxAttempts;
      extraSemaphores = s.extraSemaphores;
      concurrencyKey = s.concurrencyKey;
      fairTag = s.fairTag;
    }

    public Builder seq(long v) { seq = v; return this; }
    public Builder version(long v) { version = v; return this; }
    public Builder parentId(String v) { parentId = v; return this; }
    public Builder semaphore(String v) { semaphore = v; return this; }
    public Builder status(TaskStatus v) { status = v; return this; }
    public Builder progress(int v) { progress = v; return this; }
    public Builder heading(String v) { heading = v; return this; }
    public Builder body(String v) { body = v; return this; }
    public Builder img(String v) { img = v; return this; }
    public Builder results(JsonNode v) { results = v; return this; }
    public Builder createdAt(Instant v) { createdAt = v; return this; }
    public Builder startedAt(Instant v) { startedAt = v; return this; }
    public Builder completedAt(Instant v) { completedAt = v; return this; }
    public Builder errorType(String v) { errorType = v; return this; }
    public Builder errorMessage(String v) { errorMessage = v; return this; }
    public Builder errorTraceback(String v) { errorTraceback = v; return this; }
    public Builder abandoned(boolean v) { abandoned = v; return this; }
    public Builder runTimeoutMillis(Long v) { runTimeoutMillis = v; return this; }
    public Builder priority(int v) { priority = v; return this; }
    public Builder owner(String v) { owner = v; return this; }
    public Builder attempt(int v) { attempt = v; return this; }
    public Builder cancelRequested(boolean v) { cancelRequested = v; return this; }
    public Builder runAt(Instant v) { runAt = v; return this; }
    public Builder maxAttempts(int v) { maxAttempts = v; return this; }
    public Builder extraSemaphores(List<String> v) { extraSemaphores = v; return this; }
    public Builder concurrencyKey(String v) { concurrencyKey = v; return this; }
    public Builder fairTag(long v) { fairTag = v; return this; }

    /** Scheduled to queue at {@code at}; null: queued now. */
    public Builder scheduledAt(Instant at) {
      status = at == null ? TaskStatus.QUEUED : TaskStatus.SCHEDULED;
      runAt = at;
      return this;
    }

    /** The error fields at once: type, message and traceback. */
    public Builder error(String type, String message, String traceback) {
      errorType = type;
      errorMessage = message;
      errorTraceback = traceback;
      return this;
    }

    /** A status other than scheduled drops {@code run_at}: it only ever says when a scheduled task queues. */
    public TaskState build() {
      if (status != TaskStatus.SCHEDULED) runAt = null;
      return new TaskState(id, seq, version, parentId, taskType, semaphore, status, progress, heading, body, img,
          results, params, createdAt, startedAt, completedAt, errorType, errorMessage, errorTraceback, abandoned,
          runTimeoutMillis, priority, owner, attempt, cancelRequested, runAt, maxAttempts, extraSemaphores,
          concurrencyKey, fairTag);
    }
  }
}
