package io.brinjal.plugins;

import io.brinjal.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The folder of plugin jars ({@code tasks.plugins_dir}) and the class loader over them. */
public record PluginFolder(Path dir, List<Path> jars) {
  /** Used when {@code tasks.plugins_dir} is empty, if it exists (relative to the working folder). */
  public static final String DEFAULT_DIR = "plugins";

  /**
   * The configured folder (it must exist), or {@code plugins/} if that exists, or none. Throws
   * {@link ConfigException} for a configured folder that is not one.
   */
  public static Optional<PluginFolder> resolve(String configured) {
    if (configured.isEmpty()) {
      Path fallback = Path.of(DEFAULT_DIR);
      return Files.isDirectory(fallback) ? Optional.of(scan(fallback)) : Optional.empty();
    }
    Path dir = Path.of(configured);
    if (!Files.isDirectory(dir)) {
      throw new ConfigException("tasks.plugins_dir: " + dir.toAbsolutePath() + " is not a folder (env BRINJAL_PLUGINS_DIR)");
    }
    return Optional.of(scan(dir));
  }

  private static PluginFolder scan(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      // sorted: the same folder gives the same order of types on every start
      List<Path> jars = entries.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
          .map(Path::toAbsolutePath).sorted().toList();
      return new PluginFolder(dir.toAbsolutePath(), jars);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the plugins folder " + dir.toAbsolutePath(), e);
    }
  }

  /**
   * One loader over every jar, whose parent is the server's own: plugins see the Brinjal API and
   * its dependencies (Vert.x, Jackson) as the server has them, never copies of their own first.
   * It stays open for the life of the server, whose tasks are its classes.
   */
  public ClassLoader classLoader(ClassLoader parent) {
    URL[] urls = jars.stream().map(PluginFolder::url).toArray(URL[]::new);
    return new URLClassLoader("brinjal-plugins", urls, parent);
  }

  private static URL url(Path jar) {
    try {
      return jar.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(jar + ": not a file URL", e);
    }
  }
}
