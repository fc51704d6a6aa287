package io.brinjal.wire;

import io.brinjal.execution.TaskEngine;
import io.brinjal.execution.TaskView;
import io.brinjal.store.TaskQuery;
import io.vertx.core.Future;

/**
 * A JSON array of tasks rendered page by page from the store as the reader takes it: a listing
 * of a hundred thousand tasks holds one page in memory at a time, never the whole list. Not
 * thread-safe: one reader, one context.
 */
public final class TaskListChunks {
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
      StringBuilder out = new StringBuilder(page.tasks().size() * 600);
      for (TaskView task : page.tasks()) {
        if (!first) out.append(',');
        first = false;
        out.append(TaskJson.encode(task));
      }
      return out.toString();
    });
  }
}
