package io.brinjal.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.json.Json;
import io.vertx.core.MultiMap;

/** A finished HTTP exchange as tests see it. */
public record Reply(int status, MultiMap headers, String body) {
  public JsonNode json() {
    try {
      return Json.MAPPER.readTree(body);
    } catch (Exception e) {
      throw new AssertionError("not JSON (" + status + "): " + body, e);
    }
  }

  public String detail() {
    return json().path("detail").asText(null);
  }

  @Override
  public String toString() {
    return status + " " + body;
  }
}
