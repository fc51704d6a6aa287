package io.brinjal.api;

import io.brinjal.wire.ApiException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.json.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** Reads a request body that must be a JSON object, with the errors API.md asks for. */
final class JsonBodies {
  private JsonBodies() {}

  /**
   * The body as an object, or null when it is absent and {@code required} is false. A body
   * without a Content-Type is read as JSON (brinjal's frontends POST with neither); any other
   * type is refused with 415, even with no body: forms and {@code text/plain} are what a page
   * on another site can send without a preflight.
   */
  static ObjectNode object(RoutingContext ctx, boolean required) {
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && !isJson(type)) {
      throw new ApiException(415, "Content-Type must be application/json, got " + type);
    }
    Buffer raw = ctx.body().buffer();
    boolean empty = raw == null || raw.length() == 0 || raw.toString().isBlank();
    if (empty) {
      if (required) throw new ApiException(400, "the body must be a JSON object");
      return null;
    }
    JsonNode node;
    try {
      node = Json.STRICT_READER.readTree(raw.getBytes());
    } catch (JsonProcessingException e) {
      throw new ApiException(400, "malformed JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new ApiException(400, "unreadable body");
    }
    if (!(node instanceof ObjectNode obj)) {
      throw new ApiException(400, "the body must be a JSON object, got " + node.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    return obj;
  }

  private static boolean isJson(String contentType) {
    String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return base.equals("application/json") || base.endsWith("+json");
  }
}
