package io.brinjal.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FlushBudgetTest {
  private static final long MS = 1_000_000;

  @Test
  void aBurstAfterQuietGoesOutAtOnceAndOnlyChangesFasterThanTheIntervalWait() {
    FlushBudget budget = new FlushBudget(5 * MS, 0);
    assertEquals(0, budget.takeOrWait(100 * MS), "after a quiet spell: at once");
    assertEquals(0, budget.takeOrWait(100 * MS + 20_000), "the second change of the same step: at once too");
    // the budget refilled 40 µs of 5 ms since the burst: the third waits the rest of a flush
    assertEquals(5 * MS - 40_000, budget.takeOrWait(100 * MS + 40_000), "a third within the interval waits");
    assertEquals(0, budget.takeOrWait(105 * MS), "until a flush has come back");
    assertEquals(5 * MS, budget.takeOrWait(105 * MS), "then one per interval");
    assertEquals(0, budget.takeOrWait(200 * MS));
    assertEquals(0, budget.takeOrWait(200 * MS), "a long pause refills the whole burst, no more");
    assertEquals(5 * MS, budget.takeOrWait(200 * MS));
  }

  @Test
  void noIntervalMeansNoWait() {
    FlushBudget budget = new FlushBudget(0, 0);
    for (int i = 0; i < 10; i++) assertEquals(0, budget.takeOrWait(i));
  }
}
