package io.brinjal.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.json.Json;
import io.brinjal.task.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** What the tests of one store's own behaviour share: waiting on its futures, tasks to store. */
final class StoreTests {
  /**
   * The tests' "now", far ahead of the real clock: PostgreSQL stamps a claim with the later of
   * the caller's time and its own clock, so a T0 that has passed would read back as the clock.
   */
  static final Instant T0 = Instant.parse("2100-01-01T10:00:00.123Z");

  private StoreTests() {}

  /** The future's value, waited for on this (test) thread. */
  static <T> T await(Future<T> future) {
    try {
      return future.await(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 60 s", e);
    }
  }

  /** The future's failure; an AssertionError if it succeeds. */
  static Throwable failureOf(Future<?> future) {
    try {
      future.await(60, TimeUnit.SECONDS);
    } catch (Throwable e) {
      return e;
    }
    throw new AssertionError("expected a failure, got " + future.result());
  }

  /** A new SleepTask on {@code semaphore}, created at {@link #T0}. */
  static TaskState.Builder task(String semaphore) {
    ObjectNode params = Json.object().put("sleep_time", 0.5).put("name", "a task");
    return TaskState.newTask(UUID.randomUUID().toString(), "SleepTask", semaphore, params, T0);
  }

  static TaskState finished(TaskState running, TaskStatus status, Instant at) {
    return running.next().status(status).completedAt(at).owner(null).build();
  }

  /** Runs {@code action} on an event loop and hands its future's outcome back here. */
  static <T> T onEventLoop(Vertx vertx, Supplier<Future<T>> action) {
    Promise<T> answer = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> action.get().onComplete(answer));
    return await(answer.future());
  }
}
