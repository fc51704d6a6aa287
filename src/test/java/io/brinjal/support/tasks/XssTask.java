package io.brinjal.support.tasks;

import io.brinjal.task.Task;

/** Writes markup and script URLs into every field a UI shows, then fails with more of it. */
public class XssTask extends Task {
  String heading = "<img src=x onerror=alert(1)>";
  String img = "javascript:alert(2)";
  String message = "<script>alert(3)</script><b>not bold</b>";

  @Override
  protected void run() {
    setHeading(heading);
    setBody("failed: <a href=\"javascript:alert(4)\">click</a> <svg onload=alert(5)>");
    setImg(img);
    throw new IllegalStateException(message);
  }
}
