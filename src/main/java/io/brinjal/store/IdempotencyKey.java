package io.brinjal.store;

import java.time.Instant;
import java.util.Objects;

/**
 * What a create with an {@code Idempotency-Key} leaves in the store until it expires: the key,
 * what it was used for (route and parameters, as one text the caller compares), and the task it made.
 */
public record IdempotencyKey(String key, String fingerprint, String taskId, Instant expiresAt) {
  public IdempotencyKey {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(taskId, "taskId");
    expiresAt = EncodedTask.toMillis(Objects.requireNonNull(expiresAt, "expiresAt")); // as the tables keep it
  }

  boolean liveAt(Instant now) {
    return expiresAt.isAfter(now);
  }
}
