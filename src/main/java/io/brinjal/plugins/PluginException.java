package io.brinjal.plugins;

/** A task plugin that cannot be used; the message names its jar and class. Stops the start. */
public final class PluginException extends RuntimeException {
  public PluginException(String message, Throwable cause) {
    super(message, cause);
  }
}
