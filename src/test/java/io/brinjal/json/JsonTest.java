package io.brinjal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTest {
  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void timestampsAreIsoUtcWithThreeFractionDigits() {
    assertEquals("2026-12-01T10:00:00.123Z", Json.timestamp(Instant.parse("2026-12-01T10:00:00.123456Z")));
    assertEquals("1970-01-01T00:00:00.000Z", Json.timestamp(Instant.EPOCH));
    assertEquals("2024-02-29T23:59:59.999Z", Json.timestamp(Instant.parse("2024-02-29T23:59:59.999Z")));
    assertNull(Json.timestamp(null));
  }

  @Test
  void theHandWrittenFormatAgreesWithTheJdksFormatterOnRandomInstants() {
    Random random = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      Instant t = Instant.ofEpochMilli(Math.floorMod(random.nextLong(), 253_402_300_799_999L)); // years 1970..9999
      assertEquals(REFERENCE.format(t), Json.timestamp(t), t.toString());
    }
  }
}
