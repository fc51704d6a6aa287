package io.brinjal.command;

import io.brinjal.config.ConfigException;
import io.brinjal.task.TaskRegistry;
import java.nio.file.Path;
import java.util.List;

/** Puts the configured commands into a registry, next to the Java task types already there. */
public final class CommandTypes {
  private CommandTypes() {}

  /**
   * Throws {@link ConfigException} naming the entry when a command's route or name is taken (by
   * a registered type, another command or the API itself), or when {@code setsid}, which every
   * command is started through, is not installed.
   */
  public static void register(TaskRegistry registry, List<CommandSpec> commands) {
    if (commands.isEmpty()) return;
    if (ProcessGroup.locate(ProcessGroup.SETSID, System.getenv("PATH"), Path.of("").toAbsolutePath()) == null) {
      throw new ConfigException("commands: need the setsid program (util-linux) on PATH to run "
          + commands.get(0).where() + " (task_type " + commands.get(0).taskType() + ") in a process group of its own");
    }
    for (CommandSpec spec : commands) {
      try {
        registry.register(CommandTask.typeOf(spec));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(spec.where() + " (task_type " + spec.taskType() + "): " + e.getMessage());
      }
    }
  }
}
