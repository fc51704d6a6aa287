package io.brinjal.metrics;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.util.Iterator;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code logging.format}: {@code text} keeps logback.xml's pattern; {@code json} gives
 * the root logger's appenders Logback's JSON encoder, one object per line with the level,
 * logger, thread, message and the key-value pairs (task id, type, semaphore, wait and run time).
 * Done in code, after the config is loaded, so the config file and the environment both work.
 */
public final class LogFormat {
  private LogFormat() {}

  /** Switches the application's logging; a no-op when SLF4J is not bound to Logback. */
  public static void apply(String format) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext logback) apply(logback, format);
  }

  static void apply(LoggerContext context, String format) {
    if (!"json".equals(format)) return;
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      // swapped in place: stopping the appender would close its stream (called before
      // the server starts, so no other thread is logging yet)
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> out) out.setEncoder(jsonEncoder(context));
    }
  }

  private static JsonEncoder jsonEncoder(LoggerContext context) {
    JsonEncoder json = new JsonEncoder();
    json.setContext(context);
    // what an operator reads: drop the raw template, its arguments and the context noise
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithContext(false);
    json.setWithMessage(false);
    json.setWithArguments(false);
    json.setWithFormattedMessage(true);
    json.start();
    return json;
  }
}
