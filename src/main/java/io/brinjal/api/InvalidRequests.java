package io.brinjal.api;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Requests the HTTP codec could not parse (a request line or headers too long, garbage): the
 * same JSON {@code detail} as every other error, then the connection is closed, as Vert.x's
 * own default does.
 */
public final class InvalidRequests {
  private InvalidRequests() {}

  /**
   * RFC 9112 §6.1 and §6.3, the request-smuggling shapes: a {@code Transfer-Encoding} whose last
   * coding is not {@code chunked} (the body's end cannot be known: 400), or one together with
   * {@code Content-Length}. Netty reads the latter as chunked and drops the length, so here it
   * looks like any chunked request; a request with a body in chunks therefore always gets its
   * answer and then the connection is closed, and nothing pipelined behind it is read.
   *
   * @return whether the request was answered here
   */
  public static boolean refuseAmbiguousBodyLength(HttpServerRequest request) {
    List<String> codings = request.headers().getAll("Transfer-Encoding");
    if (codings.isEmpty()) return false;
    String all = String.join(",", codings).trim().toLowerCase(Locale.ROOT);
    String last = all.substring(all.lastIndexOf(',') + 1).trim();
    request.connection().shutdown(30, TimeUnit.SECONDS); // closes after this answer; reads nothing pipelined
    if (last.equals("chunked") && request.getHeader("Content-Length") == null) {
      request.response().putHeader("Connection", "close");
      return false;
    }
    reply(request, 400, last.equals("chunked") ? "Transfer-Encoding with Content-Length: send one of them"
        : "Transfer-Encoding must end with chunked");
    return true;
  }

  /**
   * A body the codec could not read after the request's headers were accepted: a chunk size
   * that is not hex ({@code zz}), a chunk not ended by CRLF, an oversized trailer. Netty marks
   * the chunk failed and Vert.x fails the connection, reporting the cause to the connection's
   * exception handler (this, for the request being read) just before it closes the channel, so
   * the answer is written and flushed here, synchronously: {@code close()} flushes what was
   * written (a write during a read is otherwise only flushed when the read completes, after the
   * channel is gone). Anything else (a reset, a closed socket) is left alone.
   */
  public static void refuseMalformedBody(HttpServerRequest request, Throwable cause) {
    if (!(cause instanceof NumberFormatException || cause instanceof DecoderException)) return;
    HttpServerResponse response = request.response();
    if (response.headWritten() || response.ended() || response.closed()) return;
    String detail = cause instanceof NumberFormatException ? "malformed chunked body: a chunk size is not hexadecimal"
        : cause instanceof TooLongFrameException ? "malformed chunked body: a chunk line or trailer is too long"
        : "malformed chunked body: a chunk is not framed as RFC 9112 says";
    response.setStatusCode(400).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
        .end("{\"detail\":\"" + detail + "\"}");
    request.connection().close();
  }

  public static void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = 400;
    String detail = "malformed HTTP request";
    if (cause instanceof TooLongFrameException) {
      String name = cause.getClass().getSimpleName();
      if (name.contains("Line")) {
        status = 414;
        detail = "request line (method and URI) is too long";
      } else if (name.contains("Header")) {
        status = 431;
        detail = "request headers are too large";
      }
    }
    reply(request, status, detail);
  }

  /** A JSON error, then the connection is closed: what came after this request cannot be trusted. */
  private static void reply(HttpServerRequest request, int status, String detail) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end("{\"detail\":\"" + detail + "\"}")
        .onComplete(v -> request.connection().close());
  }
}
