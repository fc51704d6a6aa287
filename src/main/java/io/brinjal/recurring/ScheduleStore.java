package io.brinjal.recurring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.ConfigException;
import io.brinjal.json.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The file that keeps schedules created over HTTP across restarts ({@code recurring.store_file}).
 * Each save writes the whole list to a temporary file with synchronous writes, then moves it
 * over the old one atomically: a crash leaves the previous list or the new one, never half.
 * Saves are coalesced: at most one write is in flight, and the list is read when a write
 * starts, so saves asked for meanwhile cost nothing until then and share the next write. Each
 * save's future completes once a write that contains it has reached the disk.
 * Called on the engine's event loop; the file system work runs on Vert.x's own blocking pool.
 */
public final class ScheduleStore {
  private final FileSystem fs;
  private final Path file;
  private final String tempFile;

  // ---- event-loop confined ----
  private boolean writing;
  private Supplier<ArrayNode> schedules; // the list as it is when the next write starts
  private List<Promise<Void>> waiting = new ArrayList<>();

  public ScheduleStore(Vertx vertx, Path file) {
    this.fs = vertx.fileSystem();
    this.file = file.toAbsolutePath();
    this.tempFile = this.file + ".tmp";
  }

  public Path file() {
    return file;
  }

  /** The stored entries, oldest first; none if the file does not exist yet. */
  Future<List<ObjectNode>> load() {
    return fs.exists(file.toString()).compose(exists -> {
      if (!exists) return Future.succeededFuture(List.<ObjectNode>of());
      return fs.readFile(file.toString()).map(this::parse);
    });
  }

  private List<ObjectNode> parse(Buffer content) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(content.getBytes());
    } catch (Exception e) {
      throw new ConfigException("recurring.store_file: " + file + " is not valid JSON: " + e.getMessage());
    }
    JsonNode list = root == null ? null : root.get("schedules");
    if (list == null || !list.isArray()) {
      throw new ConfigException("recurring.store_file: " + file + " must hold {\"schedules\": [...]}");
    }
    List<ObjectNode> entries = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof ObjectNode entry)) {
        throw new ConfigException(where(i) + ": must be an object");
      }
      entries.add(entry);
    }
    return entries;
  }

  /** How errors name an entry of the file: {@code /data/recurring.json schedules[2]}. */
  String where(int index) {
    return "recurring.store_file: " + file + " schedules[" + index + "]";
  }

  /** Writes the list {@code schedules} gives; completes when it (or a newer list) is on disk. */
  Future<Void> save(Supplier<ArrayNode> schedules) {
    Promise<Void> saved = Promise.promise();
    this.schedules = schedules;
    waiting.add(saved);
    if (!writing) writeNext();
    return saved.future();
  }

  private void writeNext() {
    if (waiting.isEmpty()) {
      writing = false;
      return;
    }
    writing = true;
    ObjectNode root = Json.object();
    root.set("schedules", schedules.get());
    List<Promise<Void>> promises = waiting;
    waiting = new ArrayList<>();
    Buffer content = Buffer.buffer(Json.encode(root) + "\n");
    write(content).onComplete(ar -> {
      // newest first: a failed save undoes its change, and undos must unwind in reverse order
      for (int i = promises.size() - 1; i >= 0; i--) promises.get(i).handle(ar);
      writeNext();
    });
  }

  private Future<Void> write(Buffer content) {
    Path parent = file.getParent();
    Future<Void> dir = parent == null ? Future.succeededFuture() : fs.mkdirs(parent.toString());
    return dir
        .compose(v -> fs.open(tempFile, new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true)
            .setDsync(true)))
        .compose(f -> f.write(content).eventually(f::close))
        .compose(v -> fs.move(tempFile, file.toString(), new CopyOptions().setReplaceExisting(true).setAtomicMove(true)))
        .recover(e -> Future.failedFuture(new ScheduleStoreException(
            "could not write " + file + ": " + describe(e), e)));
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  /** A save that did not reach the disk: the message is for the client, the cause names the file and why. */
  public static final class ScheduleStoreException extends RuntimeException {
    ScheduleStoreException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
