package io.brinjal.loop;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;

/**
 * One event loop that owns some state. Objects confined to it keep plain fields (no locks, no
 * atomics) and are touched only from it: their public methods go through {@link #call}, and their
 * {@code …OnLoop} methods {@link #check} that they are already there.
 */
public final class Loop {
  private final Context context;

  private Loop(Context context) {
    if (!context.isEventLoopContext()) throw new IllegalArgumentException("state must be owned by an event-loop context");
    this.context = context;
  }

  public static Loop of(Context context) {
    return new Loop(context);
  }

  public Context context() {
    return context;
  }

  public boolean isCurrent() {
    return Vertx.currentContext() == context;
  }

  /** For {@code …OnLoop} methods: fails fast (with assertions on, as in tests) when called elsewhere. */
  public void check() {
    assert isCurrent() : "called off its event loop: " + Thread.currentThread().getName();
  }

  /**
   * Runs {@code action} on the loop: inline if already there, else one hop. The answer completes
   * on the caller's own context, so its callbacks stay on the caller's thread.
   */
  public <T> Future<T> call(Callable<T> action) {
    Context caller = Vertx.currentContext();
    if (caller == context) {
      try {
        return Future.succeededFuture(action.call());
      } catch (Throwable e) {
        return Future.failedFuture(e);
      }
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      T result;
      try {
        result = action.call();
      } catch (Throwable e) {
        answer(caller, () -> promise.fail(e));
        return;
      }
      answer(caller, () -> promise.complete(result));
    });
    return promise.future();
  }

  /**
   * As {@link #call}, for an action that itself answers with a future; its outcome, too, is
   * handed back on the caller's context.
   */
  public <T> Future<T> compose(Callable<Future<T>> action) {
    Context caller = Vertx.currentContext();
    if (caller == context) {
      try {
        return action.call();
      } catch (Throwable e) {
        return Future.failedFuture(e);
      }
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      Future<T> result;
      try {
        result = action.call();
      } catch (Throwable e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> answer(caller, () -> promise.handle(ar)));
    });
    return promise.future();
  }

  /** Completes on the caller's context, so its callbacks stay on its thread. */
  public static void answer(Context caller, Runnable complete) {
    if (caller == null) complete.run();
    else caller.runOnContext(v -> complete.run());
  }
}
