package com.example.tasks;

import io.brinjal.task.InvalidParameterException;
import io.brinjal.task.Param;
import io.brinjal.task.Task;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Counts the words of a text, reporting progress line by line; its results are the total and
 * the {@code top} most frequent words. Replace it with your own work.
 */
public class WordCountTask extends Task {
  @Param("the text to count the words of")
  String text = "";

  @Param("how many of the most frequent words to report")
  int top = 3;

  @Override
  public String semaphoreName() {
    return "multiple"; // light work: many may run at once
  }

  @Override
  protected void validate() { // runs when the task is created: the API answers 422
    if (top < 1 || top > 100) throw new InvalidParameterException("top", "must be from 1 to 100");
  }

  @Override
  protected void run() {
    setHeading("Counting words");
    String[] lines = text.split("\n", -1);
    Map<String, Integer> counts = new LinkedHashMap<>();
    int total = 0;
    for (int i = 0; i < lines.length; i++) {
      if (isCancelled()) return;
      for (String word : lines[i].toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+")) {
        if (word.isEmpty()) continue;
        counts.merge(word, 1, Integer::sum);
        total++;
      }
      setProgress((i + 1) * 100 / lines.length);
    }
    Map<String, Integer> frequent = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(top)
        .forEach(e -> frequent.put(e.getKey(), e.getValue()));
    setBody(total + " words, " + counts.size() + " different");
    setResults(Map.of("words", total, "top", frequent));
  }
}
