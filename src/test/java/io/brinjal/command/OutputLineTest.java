package io.brinjal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.brinjal.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The line protocol, argument templates and the bounded tail, without a process. */
class OutputLineTest {

  @Test
  void keyedLinesUpdateAndEverythingElseIsPlainOutput() {
    assertEquals(new OutputLine.Progress(42), OutputLine.parse("progress: 42"));
    assertEquals(new OutputLine.Progress(42), OutputLine.parse("progress:42.9"));
    assertEquals(new OutputLine.Progress(-1), OutputLine.parse("progress: -1"));
    assertEquals(new OutputLine.Heading("Step 1: load"), OutputLine.parse("heading: Step 1: load"));
    assertEquals(new OutputLine.Body(""), OutputLine.parse("body:"));
    assertEquals(new OutputLine.Img("https://x/y.png"), OutputLine.parse("img:  https://x/y.png "));
    assertEquals(new OutputLine.Result(Json.toTree(Map.of("a", List.of(1, 2)))), OutputLine.parse("result: {\"a\": [1, 2]}"));
    for (String plain : new String[] {"progress: 101", "progress: lots", "result: {not json", "Progress: 5", " progress: 5",
        "progressing: 5", "hello"}) {
      assertEquals(new OutputLine.Plain(plain), OutputLine.parse(plain), plain);
    }
  }

  @Test
  void aTemplateRendersToOneArgumentWhateverTheValueHolds() {
    ArgTemplate t = ArgTemplate.parse("--size={w}x{h}", name -> true);
    assertEquals("--size=$(rm -rf /) x*", t.render(Map.of("w", "$(rm -rf /) ", "h", "*")));
    assertEquals("{w} {print $1} }", ArgTemplate.parse("{{w}} {print $1} }}", name -> false).render(Map.of()));
    assertEquals("", ArgTemplate.parse("", name -> false).render(Map.of()));
    assertThrows(IllegalArgumentException.class, () -> ArgTemplate.parse("{nope}", name -> false));
  }

  @Test
  void theTailKeepsTheLastLinesWithinItsBounds() {
    LineTail tail = new LineTail(3, 10);
    for (String l : new String[] {"1", "2", "3", "4"}) tail.add(l);
    assertEquals(List.of("2", "3", "4"), tail.lines());
    tail.add("abcdefghi"); // 11 characters with "3" and "4": "3" goes
    assertEquals(List.of("4", "abcdefghi"), tail.lines());
    tail.add("x".repeat(LineTail.MAX_LINE_CHARS + 5));
    assertEquals(List.of("x".repeat(LineTail.MAX_LINE_CHARS) + "…"), tail.lines()); // one line is kept even if over
    assertEquals("137 (killed by signal 9, SIGKILL)", CommandTask.describeExit(137).substring("exited with code ".length()));
  }
}
