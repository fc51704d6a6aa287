package io.brinjal.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Reads concurrency back from finished tasks' started_at / completed_at. */
public final class Intervals {
  private Intervals() {}

  /** The most tasks running at one instant; a task ending at t does not overlap one starting at t. */
  public static int maxOverlap(Collection<JsonNode> finishedTasks) {
    record Edge(Instant at, int delta) {}
    List<Edge> edges = new ArrayList<>();
    for (JsonNode t : finishedTasks) {
      edges.add(new Edge(Instant.parse(t.get("started_at").asText()), +1));
      edges.add(new Edge(Instant.parse(t.get("completed_at").asText()), -1));
    }
    edges.sort(Comparator.comparing(Edge::at).thenComparingInt(Edge::delta));
    int running = 0, max = 0;
    for (Edge e : edges) {
      running += e.delta();
      max = Math.max(max, running);
    }
    return max;
  }
}
