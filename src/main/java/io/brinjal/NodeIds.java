package io.brinjal;

import java.util.Locale;
import java.util.UUID;

/** Names this process among others: a base name and a random suffix, so a restart is a new node. */
public final class NodeIds {
  private NodeIds() {}

  /** The host's name, cleaned for use in a node name ({@code node} when there is none). */
  public static String host() {
    String host = System.getenv("HOSTNAME"); // not InetAddress: a name lookup can hang where DNS is missing
    String clean = host == null ? "" : host.replaceAll("[^A-Za-z0-9.-]", "").toLowerCase(Locale.ROOT);
    return clean.isEmpty() || clean.length() > 40 ? "node" : clean;
  }

  /** {@code base} and a suffix never used before. */
  public static String fresh(String base) {
    return base + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
