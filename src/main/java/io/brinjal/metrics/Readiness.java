package io.brinjal.metrics;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether this server should get traffic: {@code starting} until its HTTP server listens,
 * {@code ready}, then {@code stopping} from the first moment of a shutdown, for good.
 * Thread-safe: probes may be answered on any event loop.
 */
public final class Readiness {
  public enum State {
    STARTING, READY, STOPPING;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);

  /** The HTTP server listens and the engine is up. A stopping server never becomes ready again. */
  public void markReady() {
    state.compareAndSet(State.STARTING, State.READY);
  }

  public void markStopping() {
    state.set(State.STOPPING);
  }

  public State state() {
    return state.get();
  }
}
