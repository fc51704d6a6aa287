package io.brinjal.task;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;

/** Where a class was loaded from, for start-up errors that must point at the right jar. */
public final class ClassOrigin {
  private ClassOrigin() {}

  /** {@code com.example.MyTask (from plugins/my-tasks.jar)}, or the bare name when unknown. */
  public static String describe(Class<?> type) {
    String where = location(type);
    return where == null ? type.getName() : type.getName() + " (from " + where + ")";
  }

  /** The jar or class folder, as a path when it is a file; null for the JDK's own classes. */
  public static String location(Class<?> type) {
    CodeSource source = type.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) return null;
    try {
      return Path.of(source.getLocation().toURI()).toString();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return source.getLocation().toString();
    }
  }
}
