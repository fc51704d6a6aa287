package io.brinjal.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One server per store file. A second server on the same file would take the first one's running
 * tasks for interrupted ones at its start and fail them, so the store holds an exclusive lock on
 * {@code <file>.lock} while it is open. The operating system releases it when the process ends,
 * however it ends (kill -9 included), so a crash never leaves a stale lock behind.
 */
final class StoreFileLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private StoreFileLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Throws {@link StoreOpenException} naming the file if another process (or store) holds it. */
  static StoreFileLock acquire(Path file, String where) {
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException | SecurityException e) {
      throw new StoreOpenException(where + ": cannot create its lock file " + lockFile + ": " + e.getMessage(), e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by another store in this very process
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StoreOpenException(where + ": cannot lock " + lockFile + ": " + e.getMessage(), e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new StoreOpenException(where + " is in use by another Brinjal server (it holds " + lockFile
          + "); one file serves one server: give each its own store.path", null);
    }
    return new StoreFileLock(channel, lock);
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it anyway
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing more to release
    }
  }
}
