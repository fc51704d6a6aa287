package io.brinjal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.brinjal.support.HttpProbe;
import io.brinjal.support.LogCapture;
import io.brinjal.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** What clients can make the log say, and how much of it. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogSafetyApiTest {

  @Test
  void aClientsValueCannotForgeALogLine(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    try (LogCapture log = new LogCapture()) {
      String forged = "x\\n04:00:00.000 ERROR [main] io.brinjal.Main - FORGED\\u001b[2J LINE";
      http.awaitTerminal(http.create("sleep_task", "{\"sleep_time\":0, \"semaphore_name\": \"" + forged + "\"}"));
      List<ILoggingEvent> warned = log.mentioning("FORGED");
      assertFalse(warned.isEmpty(), "the unknown semaphore is logged");
      for (ILoggingEvent event : warned) {
        String line = LogCapture.rendered(event);
        assertEquals(1, line.split("\n", -1).length - 1, "one line: " + line);
        assertTrue(line.contains("x\\n04:00:00.000"), "the newline shown escaped: " + line);
        assertFalse(line.contains("\u001b"), "no terminal escape: " + line);
      }
    }
  }

  @Test
  void madeUpSemaphoreNamesCostABoundedNumberOfLinesAndNoSeries(Vertx vertx) {
    HttpProbe http = TestServer.start(vertx).http();
    try (LogCapture log = new LogCapture()) {
      for (int i = 0; i < 150; i++) {
        http.create("sleep_task", "{\"sleep_time\":0, \"semaphore_name\": \"made-up-" + i + "\"}");
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> !http.get("/queue").body().contains("\"queued\""));
      assertTrue(log.mentioning("unknown semaphore 'made-up-").size() <= 100, "warnings are bounded");
    }
    assertFalse(http.get("/semaphores").body().contains("made-up"), "no semaphore of that name");
    assertFalse(http.get("/metrics").body().contains("made-up"), "no series of that name");
  }

  @Test
  void runningOutOfFileDescriptorsIsLoggedOnceAMinuteNotPerFailure() {
    // what Netty logs for each failed accept while the process has no descriptor left
    org.slf4j.Logger netty = LoggerFactory.getLogger("io.netty.channel.DefaultChannelPipeline");
    try (LogCapture log = new LogCapture()) {
      for (int i = 0; i < 5; i++) {
        netty.warn("An exceptionCaught() event was fired", new IOException("Too many open files"));
      }
      netty.warn("something else", new IOException("Connection reset by peer"));
      assertTrue(log.mentioning("exceptionCaught").size() <= 1, "at most one line a minute");
      assertEquals(1, log.mentioning("something else").size(), "other failures are untouched");
    }
  }
}
