package io.brinjal.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One element of a command's {@code argv}: literal text with {@code {param}} placeholders. It
 * always renders to exactly one argument, whatever the values hold (spaces, quotes, {@code $(…)},
 * {@code *}): no shell ever sees it. {@code {{} and {@code }}} write a literal brace; a brace that
 * does not surround a parameter-like name ({@code {print $1}}) is literal too.
 */
final class ArgTemplate {
  private static final Pattern TOKEN = Pattern.compile("\\{\\{|}}|\\{([A-Za-z_][A-Za-z0-9_]*)}");

  /** Literal text, or the name of a parameter (a placeholder). */
  private record Part(String literal, String param) {}

  private final List<Part> parts;

  private ArgTemplate(List<Part> parts) {
    this.parts = parts;
  }

  /** Throws IllegalArgumentException naming the first placeholder {@code known} refuses. */
  static ArgTemplate parse(String text, Predicate<String> known) {
    List<Part> parts = new ArrayList<>();
    Matcher m = TOKEN.matcher(text);
    int at = 0;
    StringBuilder literal = new StringBuilder();
    while (m.find()) {
      literal.append(text, at, m.start());
      at = m.end();
      if (m.group(1) == null) {
        literal.append(m.group().charAt(0)); // {{ or }}
        continue;
      }
      if (!known.test(m.group(1))) {
        throw new IllegalArgumentException("placeholder {" + m.group(1) + "} in \"" + text + "\" names no parameter");
      }
      if (literal.length() > 0) parts.add(new Part(literal.toString(), null));
      literal.setLength(0);
      parts.add(new Part(null, m.group(1)));
    }
    literal.append(text, at, text.length());
    if (literal.length() > 0 || parts.isEmpty()) parts.add(new Part(literal.toString(), null));
    return new ArgTemplate(List.copyOf(parts));
  }

  /** The one argument, with each placeholder replaced by its parameter's text. */
  String render(Map<String, String> values) {
    StringBuilder out = new StringBuilder();
    for (Part p : parts) out.append(p.param == null ? p.literal : values.get(p.param));
    return out.toString();
  }
}
