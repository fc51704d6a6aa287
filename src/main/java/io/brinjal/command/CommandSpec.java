package io.brinjal.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.config.ConfigException;
import io.brinjal.task.InvalidParameterException;
import io.brinjal.task.Names;
import io.brinjal.task.ParamSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One entry of the {@code commands} configuration list, checked: a task type whose work is a
 * program run with {@code argv}, its parameters substituted into the arguments.
 *
 * @param where the entry in the configuration ({@code commands[0]}), for start-up errors
 * @param cwd the working directory, or null for the server's
 * @param timeout the run timeout, or null for none
 * @param killGrace after SIGTERM, how long the process group has before SIGKILL
 */
public record CommandSpec(String where, String taskType, String route, String semaphore, String description,
    List<String> argv, List<Param> params, Map<String, String> env, String cwd, Duration timeout, Duration killGrace) {

  public static final Set<String> KEYS = Set.of("task_type", "route", "semaphore", "description", "argv", "params",
      "env", "cwd", "timeout_seconds", "kill_grace_seconds");
  static final Set<String> PARAM_KEYS = Set.of("name", "type", "default", "description");
  static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(5);

  /** A parameter: its wire name, type, default (already of the type's Java class) and description. */
  public record Param(String name, ParamType type, Object defaultValue, String description) {}

  /** The JSON types a command parameter may have, with the Java class its values take. */
  public enum ParamType {
    STRING(String.class, ""),
    INTEGER(long.class, 0L),
    NUMBER(double.class, 0.0),
    BOOLEAN(boolean.class, false);

    final Class<?> javaType;
    final Object zero; // the default of a parameter that names none

    ParamType(Class<?> javaType, Object zero) {
      this.javaType = javaType;
      this.zero = zero;
    }

    String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The arguments with each placeholder replaced by its parameter's text. */
  List<String> render(Map<String, String> values) {
    List<ArgTemplate> templates = templates(argv, name -> true);
    return templates.stream().map(t -> t.render(values)).toList();
  }

  /**
   * Checks one configuration entry; every error is a {@link ConfigException} naming
   * {@code where} and the task type. {@code semaphores} are the configured ones.
   */
  public static CommandSpec parse(JsonNode node, String where, Set<String> semaphores) {
    if (!(node instanceof ObjectNode entry)) throw new ConfigException(where + ": must be an object");
    String name = text(entry, "task_type", where, null);
    String at = where + " (task_type " + name + ")";
    if (!name.matches("[A-Za-z][A-Za-z0-9_]{0,99}")) {
      throw new ConfigException(at + ".task_type: 1-100 letters, digits or _, starting with a letter");
    }
    entry.fieldNames().forEachRemaining(k -> {
      if (!KEYS.contains(k)) throw new ConfigException(at + "." + k + ": unknown key (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
    });
    String route = text(entry, "route", at, Names.snakeCase(name));
    if (!route.matches("[a-z0-9][a-z0-9_.-]{0,99}")) {
      throw new ConfigException(at + ".route: 1-100 characters of a-z, 0-9, _, . or -, got \"" + route + "\"");
    }
    String semaphore = text(entry, "semaphore", at, "default");
    if (!semaphores.contains(semaphore)) {
      throw new ConfigException(at + ".semaphore: \"" + semaphore + "\" is not configured (semaphores: "
          + String.join(", ", semaphores) + ")");
    }
    String description = text(entry, "description", at, "");
    List<Param> params = params(entry.get("params"), at);
    List<String> argv = strings(entry.get("argv"), at + ".argv");
    if (argv.isEmpty() || argv.get(0).isEmpty()) {
      throw new ConfigException(at + ".argv: must be a list of strings, the program first (e.g. [\"python3\", \"job.py\", \"{name}\"])");
    }
    Set<String> known = new TreeSet<>();
    params.forEach(p -> known.add(p.name()));
    try {
      templates(argv, known::contains);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(at + ".argv: " + e.getMessage()
          + (known.isEmpty() ? " (it declares no params)" : " (params: " + String.join(", ", known) + ")"));
    }
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode envNode = entry.get("env");
    if (envNode != null && !envNode.isNull()) {
      if (!envNode.isObject()) throw new ConfigException(at + ".env: must be an object of names to strings");
      envNode.fields().forEachRemaining(e -> {
        if (!e.getValue().isTextual() || !e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
          throw new ConfigException(at + ".env." + e.getKey() + ": must be a string, under a name of letters, digits and _");
        }
        env.put(e.getKey(), e.getValue().textValue());
      });
    }
    String cwd = entry.hasNonNull("cwd") ? text(entry, "cwd", at, null) : null;
    if (cwd != null && !java.nio.file.Files.isDirectory(java.nio.file.Path.of(cwd))) {
      throw new ConfigException(at + ".cwd: \"" + cwd + "\" is not a directory");
    }
    Duration timeout = entry.hasNonNull("timeout_seconds") ? seconds(entry, "timeout_seconds", at) : null;
    Duration killGrace = entry.hasNonNull("kill_grace_seconds") ? seconds(entry, "kill_grace_seconds", at) : DEFAULT_KILL_GRACE;
    return new CommandSpec(where, name, route, semaphore, description, List.copyOf(argv), params, Map.copyOf(env), cwd,
        timeout, killGrace);
  }

  private static List<ArgTemplate> templates(List<String> argv, java.util.function.Predicate<String> known) {
    return argv.stream().map(a -> ArgTemplate.parse(a, known)).toList();
  }

  private static List<Param> params(JsonNode node, String at) {
    List<Param> out = new ArrayList<>();
    if (node == null || node.isNull()) return out;
    if (!node.isArray()) throw new ConfigException(at + ".params: must be a list of {name, type, default, description}");
    Set<String> seen = new TreeSet<>();
    for (int i = 0; i < node.size(); i++) {
      String key = at + ".params[" + i + "]";
      if (!(node.get(i) instanceof ObjectNode p)) throw new ConfigException(key + ": must be an object");
      p.fieldNames().forEachRemaining(k -> {
        if (!PARAM_KEYS.contains(k)) throw new ConfigException(key + "." + k + ": unknown key (known: " + String.join(", ", new TreeSet<>(PARAM_KEYS)) + ")");
      });
      String name = text(p, "name", key, null);
      if (!name.matches("[a-z_][a-z0-9_]{0,63}")) {
        throw new ConfigException(key + ".name: 1-64 characters of a-z, 0-9 or _, not starting with a digit, got \"" + name + "\"");
      }
      if (!seen.add(name)) throw new ConfigException(key + ".name: " + name + " is declared twice");
      String typeName = text(p, "type", key, null);
      ParamType type = null;
      for (ParamType t : ParamType.values()) if (t.wire().equals(typeName)) type = t;
      if (type == null) {
        throw new ConfigException(key + ".type: must be string, integer, number or boolean, got \"" + typeName + "\"");
      }
      Object defaultValue = type.zero;
      if (p.has("default")) {
        try {
          defaultValue = ParamSpec.declared(name, type.javaType, null, "", t -> null, (t, v) -> {}).read(p.get("default"));
        } catch (InvalidParameterException e) {
          throw new ConfigException(key + ".default: " + e.getMessage());
        }
        if (defaultValue == null) throw new ConfigException(key + ".default: must not be null");
      }
      out.add(new Param(name, type, defaultValue, text(p, "description", key, "")));
    }
    return List.copyOf(out);
  }

  private static String text(ObjectNode node, String field, String at, String fallback) {
    JsonNode v = node.get(field);
    if (v == null && fallback != null) return fallback;
    if (v == null || !v.isTextual()) throw new ConfigException(at + "." + field + ": must be a string");
    return v.textValue();
  }

  private static List<String> strings(JsonNode node, String key) {
    List<String> out = new ArrayList<>();
    if (node == null || !node.isArray()) throw new ConfigException(key + ": must be a list of strings, the program first");
    for (JsonNode s : node) {
      if (!s.isTextual()) throw new ConfigException(key + ": must be a list of strings, got " + s);
      out.add(s.textValue());
    }
    return out;
  }

  private static Duration seconds(ObjectNode node, String field, String at) {
    JsonNode v = node.get(field);
    if (!v.isNumber() || !(v.doubleValue() > 0) || v.doubleValue() > 31_536_000) {
      throw new ConfigException(at + "." + field + ": must be a number of seconds above 0, got " + v);
    }
    return Duration.ofNanos((long) (v.doubleValue() * 1e9));
  }
}
