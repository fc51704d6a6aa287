package io.brinjal.recurring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.ConfigException;
import io.brinjal.json.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The schedule file of earlier versions ({@code recurring.store_file}): {@code {"schedules":
 * [...]}}. Schedules now live in the task store; this only reads such a file once, so its
 * schedules can be imported. The file system work runs on Vert.x's own blocking pool.
 */
final class LegacyScheduleFile {
  private final FileSystem fs;
  private final Path file;

  LegacyScheduleFile(Vertx vertx, Path file) {
    this.fs = vertx.fileSystem();
    this.file = file.toAbsolutePath();
  }

  Path file() {
    return file;
  }

  /** The stored entries, oldest first; none if the file does not exist. */
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

  /** How errors name an entry of the file: {@code recurring.store_file: /data/recurring.json schedules[2]}. */
  String where(int index) {
    return "recurring.store_file: " + file + " schedules[" + index + "]";
  }
}
