package io.brinjal.support.tasks;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Latches shared between a test and the {@link GateTask}s it submits, so a test decides exactly
 * when a task may finish instead of guessing with sleeps.
 */
public final class Gates {
  private static final Map<String, CountDownLatch> OPEN = new ConcurrentHashMap<>();
  private static final Map<String, CountDownLatch> ENTERED = new ConcurrentHashMap<>();

  private Gates() {}

  public static String newGate() {
    return "gate-" + UUID.randomUUID();
  }

  public static void open(String gate) {
    opened(gate).countDown();
  }

  /** Worker thread: blocks until the test opens the gate; an interrupt (cancel) ends the wait. */
  static void pass(String gate) throws InterruptedException {
    entered(gate).countDown();
    if (!opened(gate).await(60, TimeUnit.SECONDS)) throw new IllegalStateException("gate " + gate + " never opened");
  }

  /** Worker thread: says "I am in run()" without waiting. */
  static void enter(String gate) {
    entered(gate).countDown();
  }

  static boolean isOpen(String gate) {
    return opened(gate).getCount() == 0;
  }

  /** Test thread: waits until a task has entered run() on this gate. */
  public static void awaitEntered(String gate) {
    try {
      if (!entered(gate).await(10, TimeUnit.SECONDS)) throw new AssertionError("no task reached " + gate);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Test thread: whether a task has entered run() on this gate (without waiting). */
  public static boolean hasEntered(String gate) {
    return entered(gate).getCount() == 0;
  }

  private static CountDownLatch opened(String gate) {
    return OPEN.computeIfAbsent(gate, g -> new CountDownLatch(1));
  }

  private static CountDownLatch entered(String gate) {
    return ENTERED.computeIfAbsent(gate, g -> new CountDownLatch(1));
  }
}
