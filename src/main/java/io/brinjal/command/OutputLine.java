package io.brinjal.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.json.Json;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line a command wrote to standard output, read as the line protocol: {@code progress: 42},
 * {@code heading: text}, {@code body: text}, {@code img: url} and {@code result: <JSON>} update
 * the task; any other line, and one of these whose value is unusable (a progress of 150, a result
 * that is not JSON), is plain output.
 */
sealed interface OutputLine {
  record Progress(int value) implements OutputLine {}

  record Heading(String text) implements OutputLine {}

  record Body(String text) implements OutputLine {}

  record Img(String url) implements OutputLine {}

  record Result(JsonNode value) implements OutputLine {}

  record Plain(String text) implements OutputLine {}

  Pattern KEYED = Pattern.compile("(progress|heading|body|img|result):[ \\t]*(.*)", Pattern.DOTALL);

  static OutputLine parse(String line) {
    Matcher m = KEYED.matcher(line);
    if (!m.matches()) return new Plain(line);
    String value = m.group(2);
    return switch (m.group(1)) {
      case "progress" -> progress(line, value.strip());
      case "heading" -> new Heading(value);
      case "body" -> new Body(value);
      case "img" -> new Img(value.strip());
      default -> result(line, value);
    };
  }

  private static OutputLine progress(String line, String value) {
    try {
      double p = Double.parseDouble(value); // 42, 42.5 (rounded down), -1 for indeterminate
      if (p >= -1 && p <= 100) return new Progress((int) Math.floor(p));
    } catch (NumberFormatException e) {
      // not a number: plain output, so the author sees it
    }
    return new Plain(line);
  }

  private static OutputLine result(String line, String value) {
    try {
      return new Result(Json.MAPPER.readTree(value));
    } catch (JsonProcessingException e) {
      return new Plain(line);
    }
  }
}
