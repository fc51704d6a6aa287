package io.brinjal.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One change a task made while it ran, at the time the runner's clock read then.
 *
 * @param value an {@code Integer} for {@link Kind#PROGRESS}, a {@code JsonNode} for
 *     {@link Kind#RESULTS}, else a {@code String} (the reason for {@link Kind#MARKED_FAILED})
 */
public record TaskChange(Instant at, Kind kind, Object value) {
  /** Which setter of {@link io.brinjal.task.Task} made it. */
  public enum Kind { PROGRESS, HEADING, BODY, IMG, RESULTS, MARKED_FAILED }

  public int asInt() {
    return (Integer) value;
  }

  public String asText() {
    return (String) value;
  }

  public JsonNode asJson() {
    return (JsonNode) value;
  }
}
