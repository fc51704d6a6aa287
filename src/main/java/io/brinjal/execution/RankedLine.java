package io.brinjal.execution;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A sorted line of waiting tasks that answers "how many are ahead of this one" without walking
 * the line: keys sit in blocks of at most {@value #MAX_BLOCK}, each block knowing its size, so a
 * rank costs one pass over the block sizes plus a binary search (a few microseconds at 100,000
 * waiting), and an insert or removal touches one block. Keys are unique longs in claim order
 * (see {@link #key}). Not thread-safe: owned by the engine's event loop.
 */
final class RankedLine {
  private static final int MAX_BLOCK = 1024;

  private static final class Block {
    long[] keys = new long[16];
    String[] ids = new String[16];
    int size;

    long first() {
      return keys[0];
    }

    int indexOf(long key) {
      return Arrays.binarySearch(keys, 0, size, key);
    }

    void insertAt(int at, long key, String id) {
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        ids = Arrays.copyOf(ids, size * 2);
      }
      System.arraycopy(keys, at, keys, at + 1, size - at);
      System.arraycopy(ids, at, ids, at + 1, size - at);
      keys[at] = key;
      ids[at] = id;
      size++;
    }

    void removeAt(int at) {
      System.arraycopy(keys, at + 1, keys, at, size - at - 1);
      System.arraycopy(ids, at + 1, ids, at, size - at - 1);
      size--;
      ids[size] = null;
    }
  }

  private final List<Block> blocks = new ArrayList<>();
  private int size;

  /**
   * Claim order packed in a long: higher priority first, then older (lower seq) first. Priority
   * is -100..100 and seq below 2^48, so keys are unique and compare as the store claims.
   */
  static long key(int priority, long seq) {
    return ((long) (100 - priority) << 48) | seq;
  }

  int size() {
    return size;
  }

  void add(long key, String id) {
    if (blocks.isEmpty()) blocks.add(new Block());
    int b = blockFor(key);
    Block block = blocks.get(b);
    int at = block.indexOf(key);
    if (at >= 0) return; // already there
    block.insertAt(-at - 1, key, id);
    size++;
    if (block.size > MAX_BLOCK) split(b);
  }

  /** Removes the key; false if it was not in the line. */
  boolean remove(long key) {
    if (blocks.isEmpty()) return false;
    int b = blockFor(key);
    Block block = blocks.get(b);
    int at = block.indexOf(key);
    if (at < 0) return false;
    block.removeAt(at);
    size--;
    if (block.size == 0 && blocks.size() > 1) blocks.remove(b);
    return true;
  }

  /** How many keys come before {@code key} (0 = first); -1 if it is not in the line. */
  int rank(long key) {
    if (blocks.isEmpty()) return -1;
    int b = blockFor(key);
    int at = blocks.get(b).indexOf(key);
    if (at < 0) return -1;
    int before = 0;
    for (int i = 0; i < b; i++) before += blocks.get(i).size;
    return before + at;
  }

  /** The ids of the first {@code n} keys, in order. */
  List<String> firstIds(int n) {
    List<String> out = new ArrayList<>(Math.min(n, size));
    for (Block block : blocks) {
      for (int i = 0; i < block.size && out.size() < n; i++) out.add(block.ids[i]);
      if (out.size() >= n) break;
    }
    return out;
  }

  /** The last block whose first key is at most {@code key} (or the first block). */
  private int blockFor(long key) {
    int lo = 0;
    int hi = blocks.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      Block block = blocks.get(mid);
      if (block.size > 0 && block.first() <= key) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private void split(int b) {
    Block full = blocks.get(b);
    Block upper = new Block();
    int half = full.size / 2;
    int moved = full.size - half;
    upper.keys = Arrays.copyOfRange(full.keys, half, half + Math.max(16, moved));
    upper.ids = Arrays.copyOfRange(full.ids, half, half + Math.max(16, moved));
    upper.size = moved;
    Arrays.fill(full.ids, half, full.size, null);
    full.size = half;
    blocks.add(b + 1, upper);
  }
}
