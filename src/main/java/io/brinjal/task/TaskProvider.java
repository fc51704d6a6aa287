package io.brinjal.task;

/**
 * Contributes task types to a server without a rebuild of it. Implementations are found with
 * {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.brinjal.task.TaskProvider} of a jar on the classpath or in the
 * server's plugins folder ({@code tasks.plugins_dir}). It needs a public no-argument constructor.
 *
 * <pre>{@code
 * public final class MyTasks implements TaskProvider {
 *   public void register(TaskRegistry registry) {
 *     registry.register(ResizeImageTask.class, "Resizes an image");
 *   }
 * }
 * }</pre>
 *
 * <p>Called once, on the main thread, before the server starts; an exception stops the start
 * with a message naming the provider and its jar.
 */
public interface TaskProvider {
  void register(TaskRegistry registry);
}
