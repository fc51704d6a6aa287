import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.json.Json;
import io.brinjal.store.SqliteTaskStore;
import io.brinjal.store.TaskState;
import io.brinjal.task.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Fills a SQLite store file with tasks as a busy server leaves them, for the start-up and file
 * size figures: by default 100,000 tasks, of which 60 % done (with results), 10 % failed (with a
 * stack trace of ~1.5 kB), 30 % queued. Writes through the store itself, so rows are exactly
 * what the server writes.
 *
 * <pre>
 *   java -cp target/brinjal.jar bench/StoreFill.java --path /tmp/x/brinjal.db [--tasks 100000]
 * </pre>
 */
public class StoreFill {
  public static void main(String[] args) throws Exception {
    String path = null;
    int tasks = 100_000;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--path" -> path = args[i + 1];
        case "--tasks" -> tasks = Integer.parseInt(args[i + 1]);
        default -> {
          System.err.println("unknown option " + args[i] + "; known: --path, --tasks");
          System.exit(64);
        }
      }
    }
    if (path == null) {
      System.err.println("--path is required");
      System.exit(64);
    }
    Vertx vertx = Vertx.vertx();
    SqliteTaskStore store = new SqliteTaskStore(vertx, Path.of(path), new BrinjalConfig.Retention(10_000_000, 10_000_000),
        SqliteTaskStore.Options.defaults());
    store.open().await(60, TimeUnit.SECONDS);
    String trace = "java.lang.IllegalStateException: random failure at step 3\n"
        + "\tat io.brinjal.examples.ExampleCPUTask.run(ExampleCPUTask.java:42)\n".repeat(18);
    long start = System.nanoTime();
    int batch = 2000;
    for (int from = 0; from < tasks; from += batch) {
      List<Future<?>> writes = new ArrayList<>();
      for (int i = from; i < Math.min(tasks, from + batch); i++) {
        ObjectNode params = Json.object().put("name", "Report " + i).put("sleep_time", 0.05).put("failure_probability", 0.1);
        Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        TaskState queued = TaskState.newTask(UUID.randomUUID().toString(), "ExampleCPUTask", "single", params, created).build();
        int kind = i % 10;
        Future<TaskState> inserted = store.insert(queued);
        if (kind >= 7) {
          writes.add(inserted);
          continue;
        }
        writes.add(inserted.compose(t -> {
          TaskState running = t.next().status(TaskStatus.RUNNING).owner("fill").startedAt(created).attempt(1).build();
          return store.update(running);
        }).compose(r -> store.finish(kind == 6
            ? r.next().status(TaskStatus.FAILED).completedAt(created.plusMillis(1200)).progress(30)
                .heading("Report").body("Task failed: random failure at step 3")
                .error("IllegalStateException", "random failure at step 3", trace).build()
            : r.next().status(TaskStatus.DONE).completedAt(created.plusMillis(1200)).progress(100)
                .heading("Report").body("Processed 100 steps").results(Json.object().put("rows", 1234).put("ok", true)).build())));
      }
      Future.all(writes).await(120, TimeUnit.SECONDS);
    }
    System.out.printf("filled %s with %d tasks in %.1f s%n", path, tasks, (System.nanoTime() - start) / 1e9);
    store.close().await(60, TimeUnit.SECONDS);
    vertx.close().await();
  }
}
