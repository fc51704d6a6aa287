package io.brinjal.cluster;

import io.brinjal.NodeIds;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.execution.TaskEngine;
import io.brinjal.loop.Loop;
import io.brinjal.metrics.Readiness;
import io.brinjal.store.ClusterStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server as a member of the cluster: it holds a lease on the database's clock, renewed
 * every {@code cluster.heartbeat_ms}, and with every renewal looks for nodes whose lease is older
 * than {@code cluster.node_timeout_ms} to take their running tasks over (failed as
 * {@code Interrupted}, or queued again for types that opt in); their permits come back with that.
 *
 * <p>A node that finds its own row gone (it was frozen, or cut off, and taken for dead), or that
 * has not renewed for half the timeout, stops claiming at once; once the row is known to be gone
 * it interrupts what it still runs (those tasks are the others' now: nothing more of them is
 * written, the version fencing in the store rejects it anyway) and joins again under a new name.
 * While renewals fail, {@code /health/ready} answers {@code store_unavailable}.
 * Event-loop confined (the engine's loop).
 */
public final class ClusterNode {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

  private final Vertx vertx;
  private final Loop loop;
  private final ClusterStore store;
  private final TaskEngine engine;
  private final ClusterEvents events;
  private final Readiness readiness;
  private final String baseName;
  private final long heartbeatMillis;
  private final Duration timeout;

  // ---- event-loop confined ----
  private String nodeId;
  private long lastRenewalNanos;
  private boolean renewing;
  private boolean reaping;
  private boolean rejoining;
  private long timer = -1;
  private boolean stopped;

  public ClusterNode(Vertx vertx, Loop loop, ClusterStore store, TaskEngine engine, ClusterEvents events,
      Readiness readiness, BrinjalConfig.Cluster config) {
    this.vertx = vertx;
    this.loop = loop;
    this.store = store;
    this.engine = engine;
    this.events = events;
    this.readiness = readiness;
    this.baseName = config.nodeId();
    this.heartbeatMillis = config.heartbeatMs();
    this.timeout = Duration.ofMillis(config.nodeTimeoutMs());
  }

  /** A name never used before: the configured one (or the host's) and a fresh suffix. */
  private String freshName() {
    return NodeIds.fresh(baseName.isEmpty() ? NodeIds.host() : baseName);
  }

  /** Joins (under a fresh name) and starts renewing; completes once joined. */
  public Future<Void> join() {
    return loop.compose(() -> {
      String name = freshName();
      return store.join(name).map(v -> {
        nodeId = name;
        lastRenewalNanos = System.nanoTime();
        events.nameOnLoop(name);
        engine.renameOnLoop(name);
        engine.claimGuard(this::leaseFreshOnLoop);
        timer = vertx.setPeriodic(heartbeatMillis, t -> tickOnLoop());
        LOG.info("joined the cluster as node {} (lease renewed every {} ms, taken for dead after {} ms)", name,
            heartbeatMillis, timeout.toMillis());
        return null;
      });
    });
  }

  /** Renewed within half the timeout: no other node can have taken this one for dead yet. */
  private boolean leaseFreshOnLoop() {
    return !rejoining && System.nanoTime() - lastRenewalNanos < timeout.toNanos() / 2;
  }

  private void tickOnLoop() {
    if (stopped || rejoining) return;
    renewOnLoop();
    reapOnLoop();
  }

  private void renewOnLoop() {
    if (renewing) return;
    renewing = true;
    String name = nodeId;
    store.heartbeat(name).onComplete(ar -> {
      renewing = false;
      if (stopped || !name.equals(nodeId)) return;
      if (ar.succeeded() && ar.result()) {
        lastRenewalNanos = System.nanoTime();
        readiness.storeUnavailable(false);
      } else if (ar.succeeded()) {
        leaseLostOnLoop("its lease was found expired by another node");
      } else {
        readiness.storeUnavailable(true);
        long silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastRenewalNanos);
        LOG.warn("could not renew the lease of node {} ({} ms since the last renewal): {}", name, silentMillis,
            ar.cause().getMessage());
      }
    });
  }

  /** Takes over the tasks of nodes that stopped renewing. Every node does it; each dead node is taken once. */
  private void reapOnLoop() {
    if (reaping || !leaseFreshOnLoop()) return;
    reaping = true;
    store.reapDead(timeout, engine::afterInterruption).onComplete(ar -> {
      reaping = false;
      if (ar.failed()) {
        LOG.debug("could not look for dead nodes: {}", ar.cause().getMessage());
        return;
      }
      if (ar.result().isEmpty()) return;
      LOG.warn("took over {} task(s) of node(s) that stopped renewing their lease: {}", ar.result().size(),
          String.join(", ", ar.result().stream().map(t -> t.id() + " -> " + t.status().wire()).distinct().limit(20).toList()));
      engine.takenOverOnLoop(ar.result());
    });
  }

  private void leaseLostOnLoop(String why) {
    if (rejoining) return;
    rejoining = true;
    LOG.error("node {} lost its lease ({}): its running tasks are the other nodes' now; joining again under a new name",
        nodeId, why);
    engine.leaseLostOnLoop();
    rejoinOnLoop(500);
  }

  private void rejoinOnLoop(long retryMillis) {
    if (stopped) return;
    String name = freshName();
    store.join(name).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("could not join again: {}; retrying in {} ms", ar.cause().getMessage(), retryMillis);
        vertx.setTimer(retryMillis, t -> rejoinOnLoop(Math.min(retryMillis * 2, 10_000)));
        return;
      }
      nodeId = name;
      lastRenewalNanos = System.nanoTime();
      rejoining = false;
      readiness.storeUnavailable(false);
      events.nameOnLoop(name);
      engine.rejoinedOnLoop(name);
      LOG.warn("joined the cluster again as node {}", name);
    });
  }

  /** Stops renewing and leaves (the others need not wait for the timeout). */
  public Future<Void> leave() {
    return loop.compose(() -> {
      stopped = true;
      if (timer != -1) vertx.cancelTimer(timer);
      if (nodeId == null) return Future.<Void>succeededFuture();
      Promise<Void> left = Promise.promise();
      store.leave(nodeId).onComplete(ar -> {
        if (ar.failed()) LOG.warn("could not leave the cluster cleanly: {}", ar.cause().getMessage());
        left.complete();
      });
      return left.future();
    });
  }
}
