package io.brinjal.streaming;

import io.brinjal.json.Json;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event-bus side of live updates: addresses, and the already-encoded JSON strings published
 * on them. Strings are sent as is to local consumers (no copy per subscriber), and each event is
 * a full task JSON, so a subscriber that sees only the latest still has the whole state.
 */
public final class TaskEvents {
  private static final AtomicInteger ENGINES = new AtomicInteger();
  private static final String TERMINAL = "terminal";
  private static final DeliveryOptions TERMINAL_EVENT = new DeliveryOptions().addHeader(TERMINAL, "true");

  private final EventBus bus;
  private final String prefix;

  public TaskEvents(EventBus bus) {
    this.bus = bus;
    // one prefix per engine, so two servers inside one Vert.x instance never hear each other
    this.prefix = "brinjal." + ENGINES.incrementAndGet();
  }

  public String taskAddress(String taskId) {
    return prefix + ".task." + taskId;
  }

  public String queueAddress() {
    return prefix + ".queue";
  }

  public void publishTask(String taskId, String taskJson, boolean terminal) {
    if (terminal) bus.publish(taskAddress(taskId), taskJson, TERMINAL_EVENT);
    else bus.publish(taskAddress(taskId), taskJson);
  }

  public void publishAdded(String taskJson) {
    bus.publish(queueAddress(), "{\"type\":\"task_added\",\"task\":" + taskJson + "}");
  }

  public void publishRemoved(String taskId) {
    bus.publish(queueAddress(), "{\"type\":\"task_removed\",\"task_id\":" + Json.encode(taskId) + "}");
  }

  public static boolean isTerminal(Message<?> message) {
    return "true".equals(message.headers().get(TERMINAL));
  }
}
