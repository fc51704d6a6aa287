package io.brinjal.support;

import io.brinjal.task.TaskProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A plugin jar as a task author builds one: Java sources compiled against the library (this
 * test run's classpath), the classes and a {@code META-INF/services/io.brinjal.task.TaskProvider}
 * listing the providers, written with {@code java.util.jar}.
 */
public final class PluginJar {
  private final Map<String, String> sources = new LinkedHashMap<>(); // class name -> source
  private final List<String> providers = new ArrayList<>();

  public static PluginJar create() {
    return new PluginJar();
  }

  /**
   * A jar with one task class whose {@code run()} does nothing, with {@code members} in its body
   * (e.g. a constructor), and a provider that registers it.
   */
  public static PluginJar withTask(String taskClass, String members, String providerClass) {
    int dot = taskClass.lastIndexOf('.');
    return create().source(taskClass, "package " + taskClass.substring(0, dot) + "; public class "
            + taskClass.substring(dot + 1) + " extends io.brinjal.task.Task { " + members + " protected void run() {} }")
        .provider(providerClass, "", "registry.register(" + taskClass + ".class);");
  }

  /** A class by its full name, e.g. {@code com.example.GreetTask}. */
  public PluginJar source(String className, String source) {
    sources.put(className, source);
    return this;
  }

  /** A provider class: its source, and its name in the services file. */
  public PluginJar provider(String className, String source) {
    providers.add(className);
    return source(className, source);
  }

  /** A name in the services file with no class behind it (a typo, a class left out of the jar). */
  public PluginJar listing(String className) {
    providers.add(className);
    return this;
  }

  /** A provider whose {@code register} body is {@code body} (it gets {@code registry}). */
  public PluginJar provider(String className, String imports, String body) {
    int dot = className.lastIndexOf('.');
    return provider(className, "package " + className.substring(0, dot) + ";\n" + imports + "\n"
        + "public class " + className.substring(dot + 1) + " implements io.brinjal.task.TaskProvider {\n"
        + "  public void register(io.brinjal.task.TaskRegistry registry) {\n" + body + "\n  }\n}\n");
  }

  /** Compiles and writes the jar; fails the test with the compiler's output if it does not compile. */
  public Path writeTo(Path jar) {
    try {
      Path work = Files.createTempDirectory("plugin-src-");
      Path classes = Files.createDirectories(work.resolve("classes"));
      List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString(),
          "-classpath", System.getProperty("java.class.path")));
      for (Map.Entry<String, String> s : sources.entrySet()) {
        Path file = work.resolve("src").resolve(s.getKey().replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, s.getValue());
        args.add(file.toString());
      }
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
      if (!sources.isEmpty() && javac.run(null, errors, errors, args.toArray(String[]::new)) != 0) {
        throw new AssertionError("the plugin does not compile:\n" + errors);
      }
      Files.createDirectories(jar.toAbsolutePath().getParent());
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          put(out, classes.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
        }
        if (!providers.isEmpty()) {
          put(out, "META-INF/services/" + TaskProvider.class.getName(),
              (String.join("\n", providers) + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void put(JarOutputStream out, String name, byte[] bytes) throws IOException {
    out.putNextEntry(new JarEntry(name));
    OutputStream body = out;
    body.write(bytes);
    out.closeEntry();
  }
}
