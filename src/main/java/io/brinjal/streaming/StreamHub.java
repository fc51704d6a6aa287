package io.brinjal.streaming;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The subscribers of one event loop. Confined to that loop's context: one event-bus consumer
 * per address, fanned out here to every local subscriber, so ten thousand clients of the queue
 * stream cost one bus delivery per loop and event, not ten thousand.
 */
final class StreamHub {
  private final Vertx vertx;
  private final Map<String, Fanout> byAddress = new HashMap<>();
  // read by other threads (metrics, tests), written on this hub's loop
  private final AtomicInteger subscribers = new AtomicInteger();
  private final AtomicInteger consumers = new AtomicInteger();

  private static final class Fanout {
    MessageConsumer<StreamEvent> consumer;
    final LinkedHashSet<Consumer<StreamEvent>> subscribers = new LinkedHashSet<>();
  }

  StreamHub(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Completes once the bus will deliver to this address (immediately on a local bus). */
  Future<Void> add(String address, Consumer<StreamEvent> subscriber) {
    Fanout fanout = byAddress.get(address);
    if (fanout == null) {
      Fanout created = new Fanout();
      created.consumer = vertx.eventBus().consumer(address, message -> deliver(created, message.body()));
      byAddress.put(address, created);
      consumers.incrementAndGet();
      fanout = created;
    }
    if (fanout.subscribers.add(subscriber)) subscribers.incrementAndGet();
    return fanout.consumer.completion();
  }

  void remove(String address, Consumer<StreamEvent> subscriber) {
    Fanout fanout = byAddress.get(address);
    if (fanout == null || !fanout.subscribers.remove(subscriber)) return;
    subscribers.decrementAndGet();
    if (fanout.subscribers.isEmpty()) {
      fanout.consumer.unregister();
      byAddress.remove(address);
      consumers.decrementAndGet();
    }
  }

  private static void deliver(Fanout fanout, StreamEvent event) {
    // a copy: a subscriber may leave (its stream ends) while we hand the event around
    @SuppressWarnings("unchecked")
    Consumer<StreamEvent>[] targets = fanout.subscribers.toArray(new Consumer[0]);
    for (Consumer<StreamEvent> target : targets) target.accept(event);
  }

  int subscribers() {
    return subscribers.get();
  }

  /** Event-bus consumers this hub holds (one per address with subscribers). */
  int consumers() {
    return consumers.get();
  }
}
