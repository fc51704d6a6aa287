package io.brinjal.wire;

import io.brinjal.execution.TaskEngine;
import io.brinjal.store.TaskQuery;
import io.vertx.core.Future;

/**
 * A JSON array of tasks rendered page by page from the store as the reader takes it: a listing
 * of a hundred thousand tasks holds one page in memory at a time, never the whole list. Not
 * thread-safe: one reader, one context.
 */
public final class TaskListChunks {
  /** Tasks rendered at a time. */
  public static final int PAGE = 500;

  private final TaskEngine engine;
  private TaskQuery query;
  private boolean done;
  private boolean first = true;

  /** @param query the tasks to list (its cursor moves on with every page) */
  public TaskListChunks(TaskEngine engine, TaskQuery query) {
    this.engine = engine;
    this.query = query;
  }

  /**
   * The next page's tasks, comma-joined (led by a comma after the first page), to go between
   * {@code [} and {@code ]}; null once every page has been read.
   */
  public Future<String> next() {
    if (done) return Future.succeededFuture(null);
    return engine.page(query).map(page -> {
      query = query.after(page.lastSeq());
      done = !page.more();
      if (page.tasks().isEmpty()) return done ? null : "";
      String tasks = TaskJson.join(page.tasks());
      if (first) {
        first = false;
        return tasks;
      }
      return "," + tasks;
    });
  }
}
