package io.brinjal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.execution.TaskEngine.RemoteChange;
import io.brinjal.execution.TaskView;
import io.brinjal.json.Json;
import io.brinjal.store.TaskState;
import io.brinjal.task.TaskStatus;
import io.brinjal.wire.TaskJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NodeMessageTest {
  private static TaskState running(String body) {
    return TaskState.newTask("t-1", "SleepTask", "single", Json.object().put("line", "a\nb"), Instant.parse("2026-12-01T10:00:00Z"))
        .parentId("every-minute").build().inserted(7, TaskState.NO_TAG).next().status(TaskStatus.RUNNING).owner("node-ä").attempt(1)
        .body(body).build();
  }

  @Test
  void aChangeTravelsWithTheTaskJsonAsClientsGotIt() {
    TaskState s = running("working…\nstill");
    String json = TaskJson.encode(TaskView.of(s));
    NodeMessage back = NodeMessage.decode(NodeMessage.of("node-a", NodeMessage.CHANGED, s, json).encode());
    assertEquals("node-a", back.node());
    assertEquals(NodeMessage.CHANGED, back.kind());
    assertEquals(s.version(), back.version());
    assertEquals(RemoteChange.of(RemoteChange.Kind.CHANGED, s), back.change());
    assertEquals(json, back.taskJson(), "passed on byte for byte, newlines inside strings included");
  }

  @Test
  void aTaskTooBigForANotificationTravelsWithoutItsJson() {
    TaskState s = running("é".repeat(4_000)); // 8,000 bytes of UTF-8 in 4,000 chars
    String json = TaskJson.encode(TaskView.of(s));
    String payload = NodeMessage.of("node-a", NodeMessage.CHANGED, s, json).encode();
    assertTrue(payload.getBytes(StandardCharsets.UTF_8).length <= NodeMessage.MAX_BYTES);
    NodeMessage back = NodeMessage.decode(payload);
    assertNull(back.taskJson(), "the receiver reads the task instead");
    assertEquals(RemoteChange.of(RemoteChange.Kind.CHANGED, s), back.change());

    String fits = TaskJson.encode(TaskView.of(running("é".repeat(2_000))));
    assertEquals(fits, NodeMessage.decode(NodeMessage.of("n", NodeMessage.CHANGED, s, fits).encode()).taskJson());
  }

  @Test
  void removalsSchedulesAndForeignPayloads() {
    NodeMessage removed = NodeMessage.decode(NodeMessage.removed("node-b", "t-9").encode());
    assertEquals(RemoteChange.removed("t-9"), removed.change());
    assertNull(removed.taskJson());
    NodeMessage schedules = NodeMessage.decode(NodeMessage.schedules("node-b", "nightly").encode());
    assertEquals(NodeMessage.SCHEDULES, schedules.kind());
    assertEquals("nightly", schedules.id());
    assertNull(schedules.change());
    assertThrows(IllegalArgumentException.class, () -> NodeMessage.decode("hello"));
    assertThrows(IllegalArgumentException.class, () -> NodeMessage.decode("{\"n\":\"x\",\"k\":\"c\",\"id\":\"t\"}"),
        "a task change without a status");
  }
}
