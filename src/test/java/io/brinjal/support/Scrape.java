package io.brinjal.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@code /metrics} answer parsed into samples, read by name and labels. */
public final class Scrape {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  record Sample(String name, Map<String, String> labels, double value) {}

  private final String text;
  private final List<Sample> samples = new ArrayList<>();

  public Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) throw new AssertionError("not a Prometheus sample line: " + line);
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) labels.put(l.group(1), l.group(2));
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
  }

  /** GETs {@code /metrics} at the server root. */
  public static Scrape of(HttpProbe http) {
    Reply reply = http.get("/metrics");
    if (reply.status() != 200) throw new AssertionError("GET /metrics: " + reply);
    return new Scrape(reply.body());
  }

  public String text() {
    return text;
  }

  /** The one sample with this name and at least these labels ({@code "key", "value", ...}). */
  public double value(String name, String... labels) {
    List<Sample> found = matching(name, labels);
    if (found.size() != 1) {
      throw new AssertionError(found.size() + " samples match " + name + " " + List.of(labels) + " in:\n" + text);
    }
    return found.get(0).value();
  }

  public boolean has(String name, String... labels) {
    return !matching(name, labels).isEmpty();
  }

  private List<Sample> matching(String name, String... labels) {
    List<Sample> out = new ArrayList<>();
    outer:
    for (Sample s : samples) {
      if (!s.name().equals(name)) continue;
      for (int i = 0; i < labels.length; i += 2) {
        if (!labels[i + 1].equals(s.labels().get(labels[i]))) continue outer;
      }
      out.add(s);
    }
    return out;
  }
}
