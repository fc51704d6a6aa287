package io.brinjal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code logging.format}, on a private Logback context shaped like logback.xml so the suite's own logging is untouched. */
class LogSetupTest {
  private final LoggerContext context = new LoggerContext();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private Logger loggerWritingToOut() {
    context.setMDCAdapter(new LogbackMDCAdapter()); // the default context gets one from SLF4J
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern("%level %logger - %msg%n");
    text.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(text);
    appender.setOutputStream(out);
    appender.start();
    // as in logback.xml: the stream appender sits behind an AsyncAppender
    AsyncAppender async = new AsyncAppender();
    async.setContext(context);
    async.addAppender(appender);
    async.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(async);
    return context.getLogger("io.brinjal.tasks");
  }

  @Test
  void textKeepsThePattern() {
    Logger log = loggerWritingToOut();
    LogSetup.applyFormat(context, "text");
    log.atInfo().addKeyValue("task_id", "t1").log("task t1 started");
    context.stop(); // flushes the async queue
    assertEquals("INFO io.brinjal.tasks - task t1 started\n", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void jsonWritesOneObjectPerLineWithTheKeyValuePairs() throws Exception {
    Logger log = loggerWritingToOut();
    LogSetup.applyFormat(context, "json");
    log.atInfo().addKeyValue("task_id", "t1").addKeyValue("run_ms", 12).log("task t1 done");
    log.warn("second line");
    context.stop(); // flushes the async queue

    String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertEquals(2, lines.length, String.join("\n", lines));
    JsonNode first = Json.MAPPER.readTree(lines[0]);
    assertEquals("INFO", first.get("level").asText());
    assertEquals("io.brinjal.tasks", first.get("loggerName").asText());
    assertEquals("task t1 done", first.get("formattedMessage").asText());
    assertTrue(first.get("kvpList").toString().contains("{\"task_id\":\"t1\"}"), first.toString());
    assertTrue(first.has("timestamp"));
    assertEquals("WARN", Json.MAPPER.readTree(lines[1]).get("level").asText());
  }
}
