package io.brinjal.config;

/** A configuration value Brinjal cannot start with; the message names the key. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
