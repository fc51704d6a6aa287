package io.brinjal.metrics;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.AppenderAttachable;
import java.util.Iterator;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brinjal's hold on Logback. {@code logging.format}: {@code text} keeps logback.xml's pattern;
 * {@code json} gives the console Logback's JSON encoder, one object per line with the level,
 * logger, thread, message and the key-value pairs (task id, type, semaphore, wait and run
 * time). Done in code, after the config is loaded, so the config file and the environment
 * both work. And at exit, {@link #stop()} flushes what the asynchronous appender still holds.
 */
public final class LogSetup {
  private LogSetup() {}

  /** Switches the application's log format; a no-op when SLF4J is not bound to Logback. */
  public static void applyFormat(String format) {
    if (logback() instanceof LoggerContext context) applyFormat(context, format);
  }

  static void applyFormat(LoggerContext context, String format) {
    if (!"json".equals(format)) return;
    swapEncoders(context.getLogger(Logger.ROOT_LOGGER_NAME), context);
  }

  /** Writes out queued lines and stops logging: the last thing before the process exits. */
  public static void stop() {
    if (logback() instanceof LoggerContext context) context.stop();
  }

  private static ILoggerFactory logback() {
    return LoggerFactory.getILoggerFactory();
  }

  /** Every stream appender, also those behind the AsyncAppender, gets the JSON encoder. */
  private static void swapEncoders(AppenderAttachable<ILoggingEvent> parent, LoggerContext context) {
    for (Iterator<Appender<ILoggingEvent>> it = parent.iteratorForAppenders(); it.hasNext(); ) {
      Appender<ILoggingEvent> appender = it.next();
      // swapped in place: stopping the appender would close its stream (this runs before the
      // server starts, so no other thread is logging yet)
      if (appender instanceof OutputStreamAppender<ILoggingEvent> out) out.setEncoder(jsonEncoder(context));
      else if (appender instanceof AppenderAttachable<?> nested) swapEncoders(cast(nested), context);
    }
  }

  @SuppressWarnings("unchecked")
  private static AppenderAttachable<ILoggingEvent> cast(AppenderAttachable<?> attachable) {
    return (AppenderAttachable<ILoggingEvent>) attachable;
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
