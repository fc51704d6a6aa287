package io.brinjal.support.tasks;

import io.brinjal.task.TaskRegistry;

/** The task types only tests use. */
public final class TestTasks {
  private TestTasks() {}

  public static TaskRegistry register(TaskRegistry registry) {
    return registry
        .register(GateTask.class)
        .register(FailingTask.class)
        .register(SelfFailingTask.class)
        .register(FloodTask.class)
        .register(StepTask.class)
        .register(ChattyTask.class)
        .register(TimeLimitedTask.class)
        .register(StubbornTask.class)
        .register(CrashingTask.class)
        .register(BrokenConstructorTask.class)
        .register(FreshnessTask.class)
        .register(XssTask.class)
        .register(IndeterminateTask.class)
        .register(InterruptingTask.class)
        .register(RecordingTask.class)
        .register(RerunningTask.class)
        .register(FlakyTask.class)
        .register(PatientTask.class);
  }
}
