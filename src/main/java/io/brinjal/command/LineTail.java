package io.brinjal.command;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last lines of a stream, bounded in lines and characters (a command may print for hours).
 * A line longer than {@link #MAX_LINE_CHARS} keeps its start. Synchronized: a reader thread adds
 * while the task's thread may read it (when a pipe outlives the wait for it to drain).
 */
final class LineTail {
  static final int MAX_LINE_CHARS = 4096;
  private final int maxLines;
  private final int maxChars;
  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private int chars;

  LineTail(int maxLines, int maxChars) {
    this.maxLines = maxLines;
    this.maxChars = maxChars;
  }

  synchronized void add(String line) {
    String kept = line.length() <= MAX_LINE_CHARS ? line : line.substring(0, MAX_LINE_CHARS) + "…";
    lines.addLast(kept);
    chars += kept.length();
    while (lines.size() > maxLines || (chars > maxChars && lines.size() > 1)) chars -= lines.removeFirst().length();
  }

  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  synchronized boolean isEmpty() {
    return lines.isEmpty();
  }

  /** The lines joined, each ending in a newline. */
  synchronized String text() {
    StringBuilder out = new StringBuilder(chars + lines.size());
    lines.forEach(l -> out.append(l).append('\n'));
    return out.toString();
  }
}
