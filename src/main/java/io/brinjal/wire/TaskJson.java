package io.brinjal.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.execution.TaskView;
import io.brinjal.json.Json;
import io.brinjal.store.TaskField;

/**
 * A task as clients get it: every key, always, with {@code null} where unset, since clients
 * replace their card with it. The stored fields in {@link TaskField}'s order, then the node's
 * view of a waiting task ({@code queue_position}, {@code estimated_start_at}).
 */
public final class TaskJson {
  private TaskJson() {}

  public static ObjectNode tree(TaskView view) {
    ObjectNode o = Json.object();
    for (TaskField field : TaskField.values()) o.set(field.wireName(), field.of(view.state()));
    if (view.queuePosition() == null) o.putNull("queue_position");
    else o.put("queue_position", view.queuePosition());
    o.put("estimated_start_at", Json.timestamp(view.estimatedStartAt()));
    return o;
  }

  public static String encode(TaskView view) {
    return Json.encodeTree(tree(view));
  }
}
