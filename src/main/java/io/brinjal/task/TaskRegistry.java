package io.brinjal.task;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The task classes a server knows, by route. Filled before the server starts and read-only
 * afterwards, so any thread may read it.
 */
public final class TaskRegistry {
  /** Routes the API itself uses: a task type may not take them. */
  public static final Set<String> RESERVED_ROUTES =
      Set.of("queue", "completed", "search", "recurring", "task_types", "semaphores", "ws",
          "static", "test", "metrics", "health", "docs", "openapi.json");

  private final Map<String, TaskType> byRoute = new LinkedHashMap<>();

  public TaskRegistry register(Class<? extends Task> type) {
    return register(type, "");
  }

  /**
   * Throws {@link IllegalArgumentException} naming the class and the jar it came from when the
   * class cannot be a task type (no no-argument constructor, abstract, a bad parameter), when
   * its route is one the API uses, or when another class already has its route.
   */
  public synchronized TaskRegistry register(Class<? extends Task> type, String description) {
    TaskType t;
    try {
      t = TaskType.of(type, description);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(ClassOrigin.describe(type) + ": " + e.getMessage(), e);
    }
    if (RESERVED_ROUTES.contains(t.route())) {
      throw new IllegalArgumentException(ClassOrigin.describe(type) + ": task type " + t.name()
          + " would take the reserved route /" + t.route() + ", a path of the API itself");
    }
    TaskType previous = byRoute.get(t.route());
    if (previous != null && previous.javaType() != type) {
      throw new IllegalArgumentException(ClassOrigin.describe(type) + " and "
          + ClassOrigin.describe(previous.javaType()) + " both map to the route /" + t.route());
    }
    byRoute.put(t.route(), t);
    return this;
  }

  /**
   * A type built from a specification ({@link TaskType#declared}); its route must be free, and
   * its name not taken by another type.
   */
  public synchronized TaskRegistry register(TaskType t) {
    if (RESERVED_ROUTES.contains(t.route())) {
      throw new IllegalArgumentException(t.name() + " would take the reserved route /" + t.route());
    }
    TaskType previous = byRoute.get(t.route());
    if (previous != null) throw new IllegalArgumentException(t.name() + " and " + previous.name() + " both map to /" + t.route());
    for (TaskType other : byRoute.values()) {
      if (other.name().equals(t.name())) {
        throw new IllegalArgumentException("task type " + t.name() + " is already registered (at /" + other.route() + ")");
      }
    }
    byRoute.put(t.route(), t);
    return this;
  }

  public Optional<TaskType> byRoute(String route) {
    return Optional.ofNullable(byRoute.get(route));
  }

  public Optional<TaskType> byName(String name) {
    Optional<TaskType> usual = byRoute(Names.snakeCase(name)).filter(t -> t.name().equals(name));
    // a declared type may have a route of its own choosing
    return usual.isPresent() ? usual : byRoute.values().stream().filter(t -> t.name().equals(name)).findFirst();
  }

  public Collection<TaskType> all() {
    return Collections.unmodifiableCollection(byRoute.values());
  }
}
