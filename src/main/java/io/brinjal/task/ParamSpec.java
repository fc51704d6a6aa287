package io.brinjal.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brinjal.json.Json;
import java.lang.reflect.Field;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One task parameter: its wire name, JSON type and default, and strict conversion from JSON or
 * query-string text to its Java type. Strict means a string is never silently read as a number:
 * the user gets a 422 that names the parameter. Usually a field of the task class; a task type
 * declared from configuration (a command) keeps its values elsewhere: see {@link #declared}.
 */
public final class ParamSpec {
  private final String wireName;
  private final Class<?> type;
  private final Type genericType;
  private final String jsonType;
  private final Object defaultValue;
  private final String description;
  private final JavaType javaType;
  private final Function<Task, Object> getter;
  private final BiConsumer<Task, Object> setter;

  ParamSpec(Field field, Task prototype) {
    field.setAccessible(true);
    this.wireName = Names.snakeCase(field.getName());
    this.type = field.getType();
    this.genericType = field.getGenericType();
    this.jsonType = jsonTypeOf(type);
    this.getter = task -> {
      try {
        return field.get(task);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    };
    this.setter = (task, value) -> {
      try {
        field.set(task, value);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    };
    this.defaultValue = get(prototype);
    Param annotation = field.getAnnotation(Param.class);
    this.description = annotation == null ? "" : annotation.value();
    this.javaType = Json.MAPPER.getTypeFactory().constructType(genericType);
  }

  private ParamSpec(String wireName, Class<?> type, Object defaultValue, String description,
      Function<Task, Object> getter, BiConsumer<Task, Object> setter) {
    this.wireName = wireName;
    this.type = type;
    this.genericType = type;
    this.jsonType = jsonTypeOf(type);
    this.defaultValue = defaultValue;
    this.description = description;
    this.javaType = Json.MAPPER.getTypeFactory().constructType(type);
    this.getter = getter;
    this.setter = setter;
  }

  /**
   * A parameter that is not a field: {@code type} is {@code String.class}, a primitive
   * ({@code long.class}, {@code double.class}, {@code boolean.class}, so null is refused) or
   * any other type a field could have; {@code getter} and {@code setter} reach the value in the
   * task. For task types built from a specification rather than a class.
   */
  public static ParamSpec declared(String wireName, Class<?> type, Object defaultValue, String description,
      Function<Task, Object> getter, BiConsumer<Task, Object> setter) {
    return new ParamSpec(wireName, type, defaultValue, description, getter, setter);
  }

  /**
   * Reads a JSON value as this parameter's type, as a request body's value is read; throws
   * {@link InvalidParameterException} naming the parameter. For checking configured defaults.
   */
  public Object read(JsonNode node) {
    return fromJson(node);
  }

  public String wireName() {
    return wireName;
  }

  public String jsonType() {
    return jsonType;
  }

  public String description() {
    return description;
  }

  /** How {@code GET /task_types} describes this parameter. */
  public ObjectNode describe() {
    ObjectNode out = Json.object();
    out.put("name", wireName);
    out.put("type", jsonType);
    out.set("default", Json.toTree(defaultValue));
    out.put("description", description);
    if (type.isEnum()) {
      var values = out.putArray("enum");
      for (Object c : type.getEnumConstants()) values.add(((Enum<?>) c).name());
    }
    return out;
  }

  Object get(Task task) {
    return getter.apply(task);
  }

  void set(Task task, Object value) {
    setter.accept(task, value);
  }

  Object fromJson(JsonNode node) {
    Class<?> t = type;
    if (node.isNull()) {
      if (t.isPrimitive()) throw invalid("must not be null");
      return null;
    }
    if (t == String.class) {
      if (!node.isTextual()) throw invalid("must be a string");
      return node.textValue();
    }
    if (t == boolean.class || t == Boolean.class) {
      if (!node.isBoolean()) throw invalid("must be true or false");
      return node.booleanValue();
    }
    if (isIntegral(t)) {
      if (!node.isNumber()) throw invalid("must be an integer");
      if (!node.isIntegralNumber()) {
        double d = node.doubleValue();
        if (d != Math.rint(d) || Double.isInfinite(d)) throw invalid("must be an integer");
        return integral(t, node.decimalValue().toBigInteger());
      }
      return integral(t, node.bigIntegerValue());
    }
    if (isFloating(t)) {
      if (!node.isNumber()) throw invalid("must be a number");
      return floating(t, node.doubleValue());
    }
    if (t.isEnum()) {
      if (!node.isTextual()) throw invalid("must be one of " + enumNames(t));
      return enumValue(t, node.textValue());
    }
    if ((Collection.class.isAssignableFrom(t) || t.isArray()) && !node.isArray()) {
      throw invalid("must be an array");
    }
    if (Map.class.isAssignableFrom(t) && !node.isObject()) throw invalid("must be an object");
    try {
      return Json.MAPPER.treeToValue(node, javaType);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw invalid("must be " + jsonType + " matching " + genericType.getTypeName());
    }
  }

  Object fromQuery(String text) {
    Class<?> t = type;
    if (t == String.class) return text;
    if (t == boolean.class || t == Boolean.class) {
      if (text.equals("true")) return true;
      if (text.equals("false")) return false;
      throw invalid("must be true or false");
    }
    if (isIntegral(t)) {
      try {
        return integral(t, new BigInteger(text.trim()));
      } catch (NumberFormatException e) {
        throw invalid("must be an integer");
      }
    }
    if (isFloating(t)) {
      try {
        return floating(t, Double.parseDouble(text.trim()));
      } catch (NumberFormatException e) {
        throw invalid("must be a number");
      }
    }
    if (t.isEnum()) return enumValue(t, text);
    try {
      return fromJson(Json.MAPPER.readTree(text));
    } catch (JsonProcessingException e) {
      throw invalid("must be " + jsonType + " written as JSON");
    }
  }

  private Object integral(Class<?> t, BigInteger value) {
    boolean isInt = t == int.class || t == Integer.class;
    BigInteger min = BigInteger.valueOf(isInt ? Integer.MIN_VALUE : Long.MIN_VALUE);
    BigInteger max = BigInteger.valueOf(isInt ? Integer.MAX_VALUE : Long.MAX_VALUE);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) throw invalid("is out of range");
    return isInt ? (Object) value.intValue() : (Object) value.longValue();
  }

  private Object floating(Class<?> t, double value) {
    if (!Double.isFinite(value)) throw invalid("must be a finite number");
    return t == float.class || t == Float.class ? (Object) (float) value : (Object) value;
  }

  private Object enumValue(Class<?> t, String text) {
    for (Object c : t.getEnumConstants()) {
      if (((Enum<?>) c).name().equalsIgnoreCase(text)) return c;
    }
    throw invalid("must be one of " + enumNames(t));
  }

  private static String enumNames(Class<?> t) {
    return Arrays.toString(Arrays.stream(t.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toArray());
  }

  private InvalidParameterException invalid(String reason) {
    return new InvalidParameterException(wireName, reason);
  }

  private static boolean isIntegral(Class<?> t) {
    return t == int.class || t == Integer.class || t == long.class || t == Long.class;
  }

  private static boolean isFloating(Class<?> t) {
    return t == double.class || t == Double.class || t == float.class || t == Float.class;
  }

  private static String jsonTypeOf(Class<?> t) {
    if (t == String.class || t.isEnum()) return "string";
    if (t == boolean.class || t == Boolean.class) return "boolean";
    if (isIntegral(t)) return "integer";
    if (isFloating(t)) return "number";
    if (Collection.class.isAssignableFrom(t) || t.isArray()) return "array";
    return "object";
  }

  @Override
  public String toString() {
    return wireName + ":" + jsonType.toLowerCase(Locale.ROOT);
  }
}
