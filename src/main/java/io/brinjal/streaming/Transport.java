package io.brinjal.streaming;

/** How a client is connected; a metrics label too. */
public enum Transport {
  SSE("sse"),
  WEBSOCKET("websocket");

  private final String label;

  Transport(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
