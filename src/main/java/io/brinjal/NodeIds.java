package io.brinjal;

import java.util.UUID;

/** Names this process among others: the host and a random suffix, so a restart is a new node. */
final class NodeIds {
  private NodeIds() {}

  static String newNodeId() {
    String host = System.getenv("HOSTNAME"); // not InetAddress: a name lookup can hang where DNS is missing
    if (host == null) host = "node";
    String clean = host.replaceAll("[^A-Za-z0-9.-]", "").toLowerCase(java.util.Locale.ROOT);
    if (clean.isEmpty() || clean.length() > 40) clean = "node";
    return clean + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
