package io.brinjal.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;

/**
 * Brinjal's one ObjectMapper. It is private to Brinjal on purpose: Vert.x's global
 * {@code DatabindCodec.mapper()} is shared with any application that embeds our router,
 * so we never reconfigure it.
 */
public final class Json {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  /** Reads one JSON value and refuses anything after it ({@code {}{}}, {@code {} x}). */
  public static final ObjectReader STRICT_READER =
      MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A writer for trees with its serializer looked up once, not on every event. */
  private static final ObjectWriter TREE_WRITER = MAPPER.writerFor(JsonNode.class);

  private Json() {}

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /**
   * ISO-8601 in UTC, always with three fraction digits ({@code 2026-12-01T10:00:00.123Z}), so
   * timestamps sort as strings and look alike. Written by hand: several go into every event, and
   * a DateTimeFormatter costs several times as much.
   */
  public static String timestamp(Instant instant) {
    if (instant == null) return null;
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    int year = t.getYear();
    if (year < 0 || year > 9999) return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    char[] out = new char[24];
    digits(out, 0, year, 4);
    out[4] = '-';
    digits(out, 5, t.getMonthValue(), 2);
    out[7] = '-';
    digits(out, 8, t.getDayOfMonth(), 2);
    out[10] = 'T';
    digits(out, 11, t.getHour(), 2);
    out[13] = ':';
    digits(out, 14, t.getMinute(), 2);
    out[16] = ':';
    digits(out, 17, t.getSecond(), 2);
    out[19] = '.';
    digits(out, 20, instant.getNano() / 1_000_000, 3);
    out[23] = 'Z';
    return new String(out);
  }

  private static void digits(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  /** A tree as compact JSON. */
  public static String encodeTree(JsonNode tree) {
    try {
      return TREE_WRITER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String encode(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode toTree(Object value) {
    return MAPPER.valueToTree(value);
  }
}
