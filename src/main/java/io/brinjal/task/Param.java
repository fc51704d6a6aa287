package io.brinjal.task;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Optional description of a task parameter, shown by {@code GET /task_types}. Every
 * non-static, non-final, non-transient field that a {@link Task} subclass declares is a
 * parameter whether or not it carries this annotation; mark working state {@code transient}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Param {
  String value() default "";
}
