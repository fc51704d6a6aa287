package io.brinjal.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Every log event of the application while open (the appender list is thread-safe). */
public final class LogCapture implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root;

  public LogCapture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    appender.setContext(context);
    appender.start();
    root.addAppender(appender);
  }

  public List<ILoggingEvent> events() {
    synchronized (appender.list) {
      return List.copyOf(appender.list);
    }
  }

  /** The events whose formatted message mentions {@code text}. */
  public List<ILoggingEvent> mentioning(String text) {
    return events().stream().filter(e -> e.getFormattedMessage().contains(text)).toList();
  }

  /** The event as the console prints it, through logback.xml's pattern. */
  public static String rendered(ILoggingEvent event) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    var async = (ch.qos.logback.classic.AsyncAppender) context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("ASYNC");
    var console = (ch.qos.logback.core.OutputStreamAppender<ILoggingEvent>) async.getAppender("STDOUT");
    return new String(console.getEncoder().encode(event), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
