package io.brinjal.metrics;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether this server should get traffic: {@code starting} until its HTTP server listens,
 * {@code ready}, then {@code stopping} from the first moment of a shutdown, for good. A ready
 * server whose shared store cannot be reached (it cannot renew its lease) is
 * {@code store_unavailable} until it can again. Thread-safe: probes may be answered on any
 * event loop.
 */
public final class Readiness {
  public enum State {
    STARTING, READY, STOPPING, STORE_UNAVAILABLE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
  private volatile boolean storeUnavailable;

  /** The HTTP server listens and the engine is up. A stopping server never becomes ready again. */
  public void markReady() {
    state.compareAndSet(State.STARTING, State.READY);
  }

  public void markStopping() {
    state.set(State.STOPPING);
  }

  /** The shared store cannot be reached (true) or can again (false). */
  public void storeUnavailable(boolean unavailable) {
    storeUnavailable = unavailable;
  }

  public State state() {
    State s = state.get();
    return s == State.READY && storeUnavailable ? State.STORE_UNAVAILABLE : s;
  }
}
