package io.brinjal.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.json.Json;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What Brinjal knows about one registered task type (a task class, or a specification such as
 * a configured command): its wire name, route, parameters with their defaults, and how to build
 * a bound instance from request input.
 */
public final class TaskType {
  private final Class<? extends Task> type;
  private final String name;
  private final String route;
  private final String description;
  private final Supplier<? extends Task> factory;
  private final Map<String, ParamSpec> params;
  private final String declaredSemaphore;
  private final boolean hasProgressHook;
  private final boolean rerunsAfterInterruption;
  private final int maxAttempts;
  private final RetryBackoff retryBackoff;

  private TaskType(Class<? extends Task> type, String name, String route, String description,
      Supplier<? extends Task> factory, Function<Task, Map<String, ParamSpec>> paramsOf, boolean hasProgressHook) {
    this.type = type;
    this.name = name;
    this.route = route;
    this.description = description;
    this.factory = factory;
    Task prototype = instantiate();
    this.params = Collections.unmodifiableMap(paramsOf.apply(prototype));
    this.declaredSemaphore = prototype.semaphoreName();
    this.hasProgressHook = hasProgressHook;
    this.rerunsAfterInterruption = prototype.rerunsAfterInterruption();
    this.maxAttempts = prototype.maxAttempts();
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
      throw new IllegalArgumentException(name + ".maxAttempts() must be from 1 to " + MAX_ATTEMPTS + ", got " + maxAttempts);
    }
    this.retryBackoff = prototype.retryBackoff();
  }

  /** A task class: its fields are the parameters, its field initialisers their defaults. */
  public static TaskType of(Class<? extends Task> type, String description) {
    String name = type.getSimpleName();
    Constructor<? extends Task> constructor;
    try {
      constructor = type.getDeclaredConstructor();
      constructor.setAccessible(true);
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(name + " needs a no-argument constructor", e);
    }
    if (Modifier.isAbstract(type.getModifiers())) {
      throw new IllegalArgumentException(name + " is abstract");
    }
    Supplier<Task> factory = () -> {
      try {
        return constructor.newInstance();
      } catch (InvocationTargetException e) {
        throw new TaskConstructionException(name, e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new TaskConstructionException(name, e);
      }
    };
    return new TaskType(type, name, Names.snakeCase(name), description, factory,
        prototype -> scanParams(type, prototype), overridesProgressHook(type));
  }

  /** The most attempts a task type or a request may ask for. */
  public static final int MAX_ATTEMPTS = 100;

  /** See {@link Task#maxAttempts()}. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** See {@link Task#retryBackoff()}: null for the server's. */
  public RetryBackoff retryBackoff() {
    return retryBackoff;
  }

  /**
   * A task type built from a specification instead of a class (a configured command): its
   * parameters are {@code params}, whose setters and getters reach into the tasks
   * {@code factory} makes; everything else (semaphore, attempts) is read from one of them.
   * {@link #javaType()} is the class of those tasks, which several such types may share.
   */
  public static TaskType declared(String name, String route, String description, Map<String, ParamSpec> params,
      Supplier<? extends Task> factory) {
    Task prototype = factory.get();
    return new TaskType(prototype.getClass(), name, route, description, factory,
        p -> new LinkedHashMap<>(params), false);
  }

  public String name() {
    return name;
  }

  public String route() {
    return route;
  }

  public String description() {
    return description;
  }

  public Class<? extends Task> javaType() {
    return type;
  }

  public String declaredSemaphore() {
    return declaredSemaphore;
  }

  public boolean hasProgressHook() {
    return hasProgressHook;
  }

  /** See {@link Task#rerunsAfterInterruption()}. */
  public boolean rerunsAfterInterruption() {
    return rerunsAfterInterruption;
  }

  public Map<String, ParamSpec> params() {
    return params;
  }

  /** A fresh instance with every field at its initialiser. */
  public Task instantiate() {
    return factory.get();
  }

  /**
   * Builds a task from a JSON object and query-string values (query wins), then lets the task
   * validate itself. Throws {@link InvalidParameterException} naming the offending parameter.
   */
  public Task bind(ObjectNode body, Map<String, List<String>> query) {
    Task task = instantiate();
    Map<String, Object> values = new LinkedHashMap<>();
    if (body != null) {
      body.fields().forEachRemaining(e -> values.put(e.getKey(), spec(e.getKey()).fromJson(e.getValue())));
    }
    query.forEach((name, texts) -> values.put(name, fromQuery(name, texts)));
    values.forEach((param, value) -> params.get(param).set(task, value));
    Task.Access.validate(task);
    return task;
  }

  /**
   * The parameters as given: the JSON object with the query-string values over it, each query
   * value read as its parameter's type (so {@code sleep_time=0.5} is the number 0.5). Throws
   * {@link InvalidParameterException} for an unknown name or an unreadable query value; the
   * body's values are checked when the result is bound.
   */
  public ObjectNode given(ObjectNode body, Map<String, List<String>> query) {
    ObjectNode out = body == null ? Json.object() : body.deepCopy();
    query.forEach((name, texts) -> out.set(name, Json.toTree(fromQuery(name, texts))));
    return out;
  }

  private Object fromQuery(String name, List<String> texts) {
    ParamSpec spec = spec(name);
    if (texts.size() != 1) throw new InvalidParameterException(name, "is given more than once");
    return spec.fromQuery(texts.get(0));
  }

  /** The bound parameter values as they go on the wire. */
  public ObjectNode paramsOf(Task task) {
    ObjectNode out = Json.object();
    params.forEach((wireName, spec) -> out.set(wireName, Json.toTree(spec.get(task))));
    return out;
  }

  private ParamSpec spec(String wireName) {
    ParamSpec spec = params.get(wireName);
    if (spec == null) {
      String known = params.isEmpty() ? "it takes none" : "known: " + String.join(", ", params.keySet());
      throw new InvalidParameterException(wireName, "is not a parameter of " + name + " (" + known + ")");
    }
    return spec;
  }

  private static Map<String, ParamSpec> scanParams(Class<?> type, Task prototype) {
    List<Class<?>> chain = new ArrayList<>();
    for (Class<?> c = type; c != Task.class && c != Object.class; c = c.getSuperclass()) chain.add(0, c);
    Map<String, ParamSpec> out = new LinkedHashMap<>();
    for (Class<?> c : chain) {
      for (Field f : c.getDeclaredFields()) {
        int m = f.getModifiers();
        if (Modifier.isStatic(m) || Modifier.isTransient(m) || Modifier.isFinal(m) || f.isSynthetic()) continue;
        ParamSpec spec = new ParamSpec(f, prototype);
        if (out.put(spec.wireName(), spec) != null) {
          throw new IllegalArgumentException(type.getSimpleName() + " declares parameter " + spec.wireName() + " twice");
        }
      }
    }
    return out;
  }

  private static boolean overridesProgressHook(Class<?> type) {
    try {
      Method hook = type.getMethod("progressHook");
      return hook.getDeclaringClass() != Task.class;
    } catch (NoSuchMethodException e) {
      // protected methods are not found by getMethod: walk the declared ones
      for (Class<?> c = type; c != Task.class; c = c.getSuperclass()) {
        try {
          c.getDeclaredMethod("progressHook");
          return true;
        } catch (NoSuchMethodException ignored) {
          // keep walking up
        }
      }
      return false;
    }
  }

  /** A task's constructor threw: a bug in the task class, reported as such. */
  public static final class TaskConstructionException extends RuntimeException {
    TaskConstructionException(String type, Throwable cause) {
      super("could not construct " + type + ": " + cause, cause);
    }
  }

  /** Used by tests and by the engine when a task reports its parameters. */
  public JsonNode defaultsAsJson() {
    return paramsOf(instantiate());
  }
}
