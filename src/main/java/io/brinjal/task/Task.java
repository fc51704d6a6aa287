package io.brinjal.task;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The unit of work users write: subclass, declare parameters as fields (their initialisers
 * are the defaults), and implement {@link #run()}.
 *
 * <p><b>Threads.</b> {@link #run()} and {@link #progressHook()} run on worker threads, never on
 * the event loop, so they may block. The setters below are safe to call from them: they hand
 * the change to the event loop, which publishes it to streams (coalesced, latest value wins).
 * The constructor and {@link #validate()} run on the event loop and must be quick.
 */
public abstract class Task {
  private transient TaskControl control = TaskControl.detached();

  /** The work. Return normally to end {@code done}; throw to end {@code failed}. */
  protected abstract void run() throws Exception;

  /**
   * Polled on a worker thread every {@link #updateInterval()} while {@link #run()} runs, for
   * tasks that read progress from somewhere else (a file, a remote job).
   */
  protected void progressHook() throws Exception {}

  /** Which named concurrency limit this task runs under; unknown names fall back to "default". */
  public String semaphoreName() {
    return "default";
  }

  /**
   * Every semaphore this task needs a permit of, when it needs more than one (a GPU job that
   * must hold both {@code gpu} and {@code single}). It starts only when it can take a permit of
   * each, all at once: it never holds one while waiting for another, and while it waits, tasks
   * that need only free semaphores start past it. The first name is the line it waits in (and
   * the worker pool it runs on). Unknown names fall back to "default". Defaults to
   * {@link #semaphoreName()} alone.
   */
  public List<String> semaphoreNames() {
    return List.of(semaphoreName());
  }

  /**
   * This task's concurrency key (a tenant, a user id), or null for none. A semaphore with a
   * per-key limit runs at most that many tasks of one key at once, and serves the waiting keys
   * round-robin, so a key with one task is not starved behind a key with thousands. At most
   * 200 characters.
   */
  public String concurrencyKey() {
    return null;
  }

  /**
   * The longest {@link #run()} may take, or null for no limit. When it runs out the task is
   * stopped like a cancel (flag, then interrupt) and ends {@code failed} with
   * {@code error_type} {@code TimeoutException}. A request may ask for a shorter limit.
   */
  public Duration runTimeout() {
    return null;
  }

  /**
   * Whether a task of this type that was running when the server died (kill -9, a crash, power
   * loss; not a graceful stop) is queued to run again from the start at the next start
   * ({@code true}), or ends {@code failed} with {@code error_type} {@code Interrupted} (the
   * default). Opt in only if {@link #run()} is safe to repeat: it may have done part of its work
   * before the server died. Read once per type, from an instance built with its defaults.
   */
  public boolean rerunsAfterInterruption() {
    return false;
  }

  /**
   * How many times a task of this type is run at most: a failed attempt (an exception, a
   * timeout, {@link #markFailed}, or an interruption by a server that died) with attempts left
   * goes back to {@code scheduled} and runs again after {@link #retryBackoff()}. A cancelled task
   * is never run again, and {@link PermanentFailureException} ends it failed at once. 1 (the
   * default) means no retries; a request may ask for another number ({@code Brinjal-Max-Attempts}).
   * Read once per type, from an instance built with its defaults.
   */
  public int maxAttempts() {
    return 1;
  }

  /**
   * The wait between attempts, or null for the server's ({@code retry.base_seconds},
   * {@code retry.max_seconds}, exponential with full jitter). Read once per type.
   */
  public RetryBackoff retryBackoff() {
    return null;
  }

  /** How often {@link #progressHook()} is polled. */
  public Duration updateInterval() {
    return Duration.ofMillis(100);
  }

  /** Reject parameter values here with {@link InvalidParameterException}; the API answers 422. */
  protected void validate() {}

  /** Progress 0..100, or -1 for "indeterminate". */
  protected final void setProgress(int progress) {
    if (progress < -1 || progress > 100) {
      throw new IllegalArgumentException("progress must be -1 or 0..100, got " + progress);
    }
    control.setProgress(progress);
  }

  protected final void setHeading(String heading) {
    control.setHeading(heading);
  }

  protected final void setBody(String body) {
    control.setBody(body);
  }

  /** An image URL (or data: URL) for the UI's card. */
  protected final void setImg(String img) {
    control.setImg(img);
  }

  /** Any value Jackson can write; it appears as {@code results} in the task's JSON. */
  protected final void setResults(Object results) {
    control.setResults(results);
  }

  /** End {@code failed} even though {@link #run()} returns normally. */
  protected final void markFailed(String reason) {
    control.markFailed(reason);
  }

  /** True once a cancel or delete was asked for; long loops should check it and return. */
  protected final boolean isCancelled() {
    return control.isCancelRequested();
  }

  protected final int progress() {
    return control.progress();
  }

  protected final String taskId() {
    return control.taskId();
  }

  /** A folder of this task's own under the server's temp folder, removed when it ends. */
  protected final Path scratchDir() {
    return control.scratchDir();
  }

  /** Sleeps for fractional seconds; an interrupt (cancel) ends it with InterruptedException. */
  protected static void sleepSeconds(double seconds) throws InterruptedException {
    java.util.concurrent.TimeUnit.NANOSECONDS.sleep((long) (seconds * 1e9));
  }

  final TaskControl control() {
    return control;
  }

  final void attach(TaskControl control) {
    this.control = control;
  }

  /** Lets the engine's package reach the package-private hooks without making them public. */
  public static final class Access {
    private Access() {}

    public static void attach(Task task, TaskControl control) {
      task.attach(control);
    }

    public static void run(Task task) throws Exception {
      task.run();
    }

    public static void progressHook(Task task) throws Exception {
      task.progressHook();
    }

    public static void validate(Task task) {
      task.validate();
    }
  }
}
