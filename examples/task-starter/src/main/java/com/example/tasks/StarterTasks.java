package com.example.tasks;

import io.brinjal.task.TaskProvider;
import io.brinjal.task.TaskRegistry;

/**
 * What the server loads from this jar: it is listed in
 * {@code META-INF/services/io.brinjal.task.TaskProvider}. Register each task type here.
 */
public class StarterTasks implements TaskProvider {
  @Override
  public void register(TaskRegistry registry) {
    registry.register(WordCountTask.class, "Counts the words of a text");
  }
}
