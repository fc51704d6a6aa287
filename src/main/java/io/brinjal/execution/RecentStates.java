package io.brinjal.execution;

import io.brinjal.store.TaskState;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latest states this engine wrote or was answered, for the most recent tasks: clients read a
 * task right after they create it (its stream, its JSON) and while it runs, and those reads are
 * answered from here instead of a trip to the store. Only valid while every write of these tasks
 * goes through this engine (a store no other node writes to). Bounded; event-loop confined.
 */
final class RecentStates {
  private final int capacity;
  private final LinkedHashMap<String, TaskState> states;

  RecentStates(int capacity) {
    this.capacity = capacity;
    this.states = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, TaskState> eldest) {
        return size() > RecentStates.this.capacity;
      }
    };
  }

  /** Keeps {@code state} unless a newer version of the task is kept already. */
  void remember(TaskState state) {
    if (capacity == 0) return;
    TaskState known = states.get(state.id());
    if (known == null || known.version() <= state.version()) states.put(state.id(), state);
  }

  void forget(String id) {
    states.remove(id);
  }

  /** The latest known state, or null (then the store has it, if anyone does). */
  TaskState get(String id) {
    return states.get(id);
  }
}
