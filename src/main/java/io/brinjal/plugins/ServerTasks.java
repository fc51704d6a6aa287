package io.brinjal.plugins;

import io.brinjal.Brinjal;
import io.brinjal.config.BrinjalConfig;
import io.brinjal.config.ConfigException;
import io.brinjal.task.ClassOrigin;
import io.brinjal.task.TaskProvider;
import io.brinjal.task.TaskRegistry;
import io.brinjal.task.TaskType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task types the standalone server offers: the chosen built-in ones ({@code tasks.builtins}),
 * then those of every {@link TaskProvider} found on the classpath and in the jars of the plugins
 * folder ({@code tasks.plugins_dir}), in that order.
 */
public final class ServerTasks {
  private static final Logger LOG = LoggerFactory.getLogger(ServerTasks.class);
  private static final String SERVICES_FILE = "META-INF/services/" + TaskProvider.class.getName();

  private ServerTasks() {}

  /**
   * Throws {@link ConfigException} for an unknown built-in name or a plugins folder that is not
   * one, and {@link PluginException} naming the jar and class of a provider that cannot be used.
   */
  public static TaskRegistry load(BrinjalConfig.Tasks config) {
    TaskRegistry registry = builtIns(config.builtins());
    ClassLoader parent = ServerTasks.class.getClassLoader();
    Optional<PluginFolder> folder = PluginFolder.resolve(config.pluginsDir());
    folder.ifPresent(f -> LOG.info("task plugins folder {}: {} jar(s)", f.dir(), f.jars().size()));
    registerProviders(registry, folder.map(f -> f.classLoader(parent)).orElse(parent));
    return registry;
  }

  /** All built-in types ({@code names} null), or only those named, in the order given. */
  static TaskRegistry builtIns(List<String> names) {
    TaskRegistry all = Brinjal.builtInTasks();
    if (names == null) return all;
    TaskRegistry chosen = new TaskRegistry();
    for (String name : names) {
      TaskType type = all.byName(name).orElseThrow(() -> new ConfigException("tasks.builtins: \"" + name
          + "\" is not a built-in task type (built-in: "
          + String.join(", ", all.all().stream().map(TaskType::name).toList()) + ")"));
      chosen.register(type.javaType(), type.description());
    }
    return chosen;
  }

  /** Every provider {@code loader} can see (its parent's first), each registering its types. */
  public static void registerProviders(TaskRegistry registry, ClassLoader loader) {
    refuseShadowedProviders(listings(loader));
    Iterator<ServiceLoader.Provider<TaskProvider>> found = ServiceLoader.load(TaskProvider.class, loader).stream().iterator();
    while (true) {
      ServiceLoader.Provider<TaskProvider> next;
      try {
        if (!found.hasNext()) return;
        next = found.next();
      } catch (ServiceConfigurationError e) { // a listed class that is missing, not a provider, not public
        throw new PluginException("a task provider cannot be loaded: " + e.getMessage() + listedIn(loader), e);
      }
      Class<? extends TaskProvider> type = next.type();
      String provider = "task provider " + ClassOrigin.describe(type);
      TaskProvider instance;
      try {
        instance = next.get();
      } catch (ServiceConfigurationError e) { // no public no-argument constructor, or it threw
        throw new PluginException(provider + " cannot be created: " + reason(e), e);
      }
      int before = registry.all().size();
      try {
        instance.register(registry);
      } catch (RuntimeException | LinkageError e) {
        throw new PluginException(provider + " failed: " + reason(e), e);
      }
      LOG.info("{} registered {} task type(s)", provider, registry.all().size() - before);
    }
  }

  private static String reason(Throwable e) {
    Throwable root = e instanceof ServiceConfigurationError && e.getCause() != null ? e.getCause() : e;
    return root instanceof IllegalArgumentException ? root.getMessage() : root.toString();
  }

  /** The jars whose services files name providers, so a missing class can be traced to one. */
  private static String listedIn(ClassLoader loader) {
    StringBuilder out = new StringBuilder();
    listings(loader).forEach((jar, names) -> out.append("\n  ").append(jar).append(" lists ").append(String.join(", ", names)));
    return out.isEmpty() ? "" : " (providers are listed in:" + out + ")";
  }

  /**
   * One provider class in two jars (two versions of one plugin, a jar copied twice): the class
   * loader would take the first and silently ignore the other, so the start stops instead.
   */
  private static void refuseShadowedProviders(Map<String, List<String>> listings) {
    Map<String, String> firstJar = new HashMap<>();
    listings.forEach((jar, names) -> names.forEach(name -> {
      String other = firstJar.putIfAbsent(name, jar);
      if (other != null) {
        throw new PluginException("task provider " + name + " is in two jars, " + other + " and " + jar
            + " (two versions of one plugin?): only one could be used; remove the other", null);
      }
    }));
  }

  /** Each services file the loader sees (its parent's first): its jar, and the names it lists. */
  private static Map<String, List<String>> listings(ClassLoader loader) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    try {
      for (URL file : Collections.list(loader.getResources(SERVICES_FILE))) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(file.openStream(), StandardCharsets.UTF_8))) {
          out.put(jarOf(file), in.lines().map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty()).distinct().toList());
        }
      }
    } catch (IOException e) {
      throw new PluginException("cannot read the task providers' services files: " + e, e);
    }
    return out;
  }

  private static String jarOf(URL servicesFile) {
    String url = servicesFile.toString();
    int bang = url.indexOf("!/");
    return bang > 0 && url.startsWith("jar:file:") ? url.substring("jar:file:".length(), bang) : url;
  }
}
