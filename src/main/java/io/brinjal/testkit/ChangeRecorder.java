package io.brinjal.testkit;

import io.brinjal.testkit.TaskChange.Kind;
import io.brinjal.task.TaskControl;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Reads a task's live values on every write instead of once per burst as the engine does, so a
 * test sees each change in order. Called on the task's own threads (run and hook): synchronized.
 */
final class ChangeRecorder {
  private final Clock clock;
  private final Predicate<TaskChange> cancelWhen;
  private final TaskControl.LiveValues last = new TaskControl.LiveValues();
  private final List<TaskChange> changes = new ArrayList<>();
  private TaskControl control;

  ChangeRecorder(Clock clock, Predicate<TaskChange> cancelWhen) {
    this.clock = clock;
    this.cancelWhen = cancelWhen;
  }

  void attach(TaskControl control) {
    this.control = control;
  }

  /** The task wrote something: TaskControl asks for a flush, which reopens its gate at once. */
  synchronized void drain() {
    TaskControl.LiveValues now = new TaskControl.LiveValues();
    control.drainInto(now);
    if (now.progress != last.progress) add(Kind.PROGRESS, now.progress);
    if (!Objects.equals(now.heading, last.heading)) add(Kind.HEADING, now.heading);
    if (!Objects.equals(now.body, last.body)) add(Kind.BODY, now.body);
    if (!Objects.equals(now.img, last.img)) add(Kind.IMG, now.img);
    if (!Objects.equals(now.results, last.results)) add(Kind.RESULTS, now.results);
    if (!Objects.equals(now.failedReason, last.failedReason)) add(Kind.MARKED_FAILED, now.failedReason);
    last.progress = now.progress;
    last.heading = now.heading;
    last.body = now.body;
    last.img = now.img;
    last.results = now.results;
    last.failedReason = now.failedReason;
  }

  private void add(Kind kind, Object value) {
    TaskChange change = new TaskChange(clock.instant(), kind, value);
    changes.add(change);
    if (cancelWhen.test(change)) control.requestCancelOnLoop(); // as a cancel request would: flag, then interrupt
  }

  synchronized TaskControl.LiveValues last() {
    return last;
  }

  synchronized List<TaskChange> changes() {
    return List.copyOf(changes);
  }
}
