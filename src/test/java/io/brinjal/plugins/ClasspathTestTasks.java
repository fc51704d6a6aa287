package io.brinjal.plugins;

import io.brinjal.task.Task;
import io.brinjal.task.TaskProvider;
import io.brinjal.task.TaskRegistry;

/** A provider on the test classpath (listed in src/test/resources/META-INF/services). */
public class ClasspathTestTasks implements TaskProvider {
  public static class ClasspathFoundTask extends Task {
    @Override
    protected void run() {}
  }

  @Override
  public void register(TaskRegistry registry) {
    registry.register(ClasspathFoundTask.class, "found on the classpath");
  }
}
