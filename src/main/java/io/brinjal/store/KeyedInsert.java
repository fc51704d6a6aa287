package io.brinjal.store;

/**
 * What {@link TaskStore#insertOnce} did: stored the task ({@code inserted}), or found the key's
 * earlier, unexpired use ({@code earlier}) and stored nothing. Exactly one of them is set.
 */
public record KeyedInsert(TaskState inserted, IdempotencyKey earlier) {
  static KeyedInsert inserted(TaskState task) {
    return new KeyedInsert(task, null);
  }

  static KeyedInsert earlier(IdempotencyKey key) {
    return new KeyedInsert(null, key);
  }
}
