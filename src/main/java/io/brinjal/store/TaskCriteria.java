package io.brinjal.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /search}: attribute → value, exact match, AND. An attribute is a task field by its
 * wire name or, failing that, a parameter name; an unknown attribute matches nothing, and so does
 * an empty object. Numbers compare by value ({@code 1} equals {@code 1.0}). Immutable; every
 * store matches with it, so the rules are the same whatever holds the tasks.
 */
public final class TaskCriteria {
  private record Condition(TaskField field, String param, JsonNode value) {}

  private final List<Condition> conditions;

  private TaskCriteria(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public static TaskCriteria of(ObjectNode criteria) {
    List<Condition> conditions = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = criteria.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> c = it.next();
      TaskField field = TaskField.byWireName(c.getKey());
      conditions.add(new Condition(field, field == null ? c.getKey() : null, c.getValue().deepCopy()));
    }
    return new TaskCriteria(List.copyOf(conditions));
  }

  /** True when nothing can match ({@code {}}): stores need not look at a single task. */
  public boolean matchesNothing() {
    return conditions.isEmpty();
  }

  /**
   * The value required of a plain text field, if the criteria require one (a store may narrow
   * its scan with it, e.g. by status or task type); null otherwise.
   */
  public String requiredText(TaskField field) {
    for (Condition c : conditions) {
      if (c.field == field && c.value.isTextual()) return c.value.textValue();
    }
    return null;
  }

  public boolean matches(TaskState task) {
    if (conditions.isEmpty()) return false;
    for (Condition c : conditions) {
      JsonNode actual = c.field != null ? c.field.of(task) : task.params().get(c.param);
      if (actual == null || !sameValue(actual, c.value)) return false;
    }
    return true;
  }

  /** JSON equality where 1 and 1.0 are the same number. */
  private static boolean sameValue(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
    return a.equals(b);
  }
}
