package io.brinjal.examples;

import io.brinjal.task.Param;
import io.brinjal.task.Task;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The seed's I/O example: the work writes its progress to a file and the progress hook reads
 * it back, as a task that watches an external job would. The file lives in the task's own
 * scratch folder, which the server chooses; no request names a path.
 */
public class ExampleIOTask extends Task {
  @Param("seconds per step (100 steps)")
  double sleepTime = 0.02;

  // written by run(), read by the hook on another thread
  private transient volatile Path progressFile;

  @Override
  public String semaphoreName() {
    return "multiple";
  }

  @Override
  public Duration updateInterval() {
    return Duration.ofMillis(50);
  }

  @Override
  protected void validate() {
    Checks.seconds("sleep_time", sleepTime);
  }

  @Override
  protected void run() throws Exception {
    setHeading("Example I/O Task");
    setBody("Writing progress to a file");
    Path file = scratchDir().resolve("progress.txt");
    progressFile = file;
    for (int step = 1; step <= 100; step++) {
      sleepSeconds(sleepTime);
      Files.writeString(file.resolveSibling("progress.tmp"), Integer.toString(step));
      Files.move(file.resolveSibling("progress.tmp"), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    progressHook(); // the last value, even if the poller does not come round again
    setBody("Finished");
  }

  @Override
  protected void progressHook() throws Exception {
    Path file = progressFile;
    if (file == null) return;
    try {
      setProgress(Integer.parseInt(Files.readString(file).trim()));
    } catch (NoSuchFileException | NumberFormatException e) {
      // not written yet: keep the current progress, as the seed's hook does
    }
  }
}
