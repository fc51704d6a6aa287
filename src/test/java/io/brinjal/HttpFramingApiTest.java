package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.support.HttpProbe;
import io.brinjal.support.RawSocket;
import io.brinjal.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** How requests are framed on the wire: smuggling shapes, h2c, slow headers. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpFramingApiTest {

  private static int responses(String raw) {
    return raw.split("HTTP/1\\.1 ", -1).length - 1;
  }

  @Test
  void aRequestWithTransferEncodingIsAnsweredOnceAndTheConnectionClosed(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String pipelined = "GET /queue HTTP/1.1\r\nHost: x\r\n\r\n";
    try (RawSocket raw = RawSocket.open(http.port())) {
      raw.send("POST /noop_task HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 7\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n" + pipelined);
      String answer = raw.readUntilClosed(); // read as chunked (RFC 9112 §6.1 allows it), then closed
      assertEquals(1, responses(answer), "nothing pipelined behind it was answered: " + answer);
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    }
    try (RawSocket raw = RawSocket.open(http.port())) {
      raw.send("POST /noop_task HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
          + "Transfer-Encoding: xchunked\r\n\r\n{}" + pipelined);
      String answer = raw.readUntilClosed();
      assertEquals(1, responses(answer), answer);
      assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
      assertTrue(answer.contains("must end with chunked"), answer);
    }
    try (RawSocket raw = RawSocket.open(http.port())) { // chunked alone is fine, but ends the connection
      raw.send("POST /noop_task HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n" + pipelined);
      String answer = raw.readUntilClosed();
      assertEquals(1, responses(answer), answer);
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    }
    assertEquals(2, http.get("/queue").json().size(), "not the one with an unknowable length");
  }

  @Test
  void aMalformedChunkedBodyIsA400WithADetailAndTheConnectionClosed(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    String head = "POST /noop_task HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    String[] bodies = {"zz\r\n{}\r\n0\r\n\r\n", "2\r\n{}XX0\r\n\r\n"}; // not hex; a chunk not ended by CRLF
    for (String body : bodies) {
      try (RawSocket raw = RawSocket.open(http.port())) {
        raw.send(head + body + "GET /queue HTTP/1.1\r\nHost: x\r\n\r\n");
        String answer = raw.readUntilClosed();
        assertEquals(1, responses(answer), "nothing pipelined behind it was answered: " + answer);
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
        assertTrue(answer.contains("\"detail\":\"malformed chunked body"), answer);
      }
    }
    try (RawSocket raw = RawSocket.open(http.port())) { // headers first, the bad size in a later packet
      raw.send(head);
      raw.send("zz\r\n");
      String answer = raw.readUntilClosed();
      assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
      assertTrue(answer.contains("chunk size is not hexadecimal"), answer);
    }
    assertEquals(0, http.get("/queue").json().size(), "nothing was created");
  }

  @Test
  void http2CleartextIsNotSpoken(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    try (RawSocket raw = RawSocket.open(http.port())) {
      raw.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
      String answer = raw.readUntilClosed();
      assertTrue(answer.matches("(?s)HTTP/[0-9.]+ [45]\\d\\d .*"), "a plain-text refusal, not HTTP/2 frames: " + answer);
    }
    try (RawSocket raw = RawSocket.open(http.port())) {
      raw.send("GET /queue HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
          + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
      String head = raw.readHead();
      assertTrue(head.startsWith("HTTP/1.1 200"), "no 101 to h2c: " + head);
    }
  }

  @Test
  void aConnectionThatDripsHeaderLinesIsClosedAtTheHeaderDeadline(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"http\": {\"header_timeout_seconds\": 1, \"idle_timeout_seconds\": 60}}").http();
    try (RawSocket raw = RawSocket.open(http.port())) {
      raw.send("GET /queue HTTP/1.1\r\nHost: x\r\n");
      // one header line at a time, each well within the idle timeout, until the server hangs up
      boolean open = true;
      for (int i = 0; i < 100 && open; i++) {
        open = raw.send("X-Drip-" + i + ": x\r\n") && !raw.closedWithin(200);
      }
      assertFalse(open, "closed although each line came well within the idle timeout");
    }
    assertEquals(200, http.get("/queue").status(), "a prompt client is served as before");
  }

  @Test
  void onAKeptAliveConnectionASecondRequestsDrippedHeadersAreClosedAtTheDeadline(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx, "{\"http\": {\"header_timeout_seconds\": 1, \"idle_timeout_seconds\": 60}}").http();
    try (RawSocket raw = RawSocket.open(http.port())) {
      raw.send("GET /queue HTTP/1.1\r\nHost: x\r\n\r\n");
      String head = raw.readHead();
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      StringBuilder body = new StringBuilder(); // chunked: up to the last chunk
      while (!body.toString().endsWith("0\r\n\r\n")) body.append(raw.readBytes(1));
      assertEquals("[]", body.toString().replaceAll("\\s|\\d", ""), "the first answer, whole: " + body);
      raw.send("GET /queue HTTP/1.1\r\nHost: x\r\n");
      boolean open = true;
      for (int i = 0; i < 100 && open; i++) {
        open = raw.send("X-Drip-" + i + ": x\r\n") && !raw.closedWithin(200);
      }
      assertFalse(open, "the second request's headers were held past the deadline");
    }
  }
}
