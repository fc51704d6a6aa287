package io.brinjal.task;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * New task ids: UUIDs of version 7 (RFC 9562), whose first 48 bits are the creation time in
 * milliseconds. Ids made one after the other sort together, so a store's index of ids grows at
 * its end (one page touched per batch of inserts, not one random page per task), and they are
 * still UUIDs to every client. They are unique, not secret: what guards a task is the API's
 * token, never its id.
 */
public final class TaskIds {
  private TaskIds() {}

  public static String next() {
    return next(System.currentTimeMillis());
  }

  static String next(long epochMillis) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (epochMillis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }
}
