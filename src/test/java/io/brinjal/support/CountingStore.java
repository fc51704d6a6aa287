package io.brinjal.support;

import io.brinjal.store.TaskPage;
import io.brinjal.store.TaskQuery;
import io.brinjal.store.TaskStore;
import io.vertx.core.Future;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * A real store with a tally of what the server asks of it: how many calls of each kind, and the
 * largest page it ever read. Lets a test show that work stays bounded (one row for one task, one
 * page at a time for a listing) without timing anything.
 */
public final class CountingStore {
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final LongAccumulator largestPageAsked = new LongAccumulator(Math::max, 0);
  private final LongAccumulator largestPageRead = new LongAccumulator(Math::max, 0);
  private volatile TaskStore proxy;

  /** Wraps {@code store}; use {@link #store()} in its place. */
  public TaskStore wrap(TaskStore store) {
    proxy = (TaskStore) Proxy.newProxyInstance(TaskStore.class.getClassLoader(), new Class<?>[] {TaskStore.class},
        (self, method, args) -> {
          calls.computeIfAbsent(method.getName(), m -> new AtomicInteger()).incrementAndGet();
          if (method.getName().equals("list")) largestPageAsked.accumulate(((TaskQuery) args[0]).limit());
          Object result;
          try {
            result = method.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("list")) {
            ((Future<?>) result).onSuccess(page -> largestPageRead.accumulate(((TaskPage) page).tasks().size()));
          }
          return result;
        });
    return proxy;
  }

  public TaskStore store() {
    return proxy;
  }

  /** Calls of the store method named so since the last {@link #reset()}. */
  public int calls(String method) {
    AtomicInteger n = calls.get(method);
    return n == null ? 0 : n.get();
  }

  /** Calls that read tasks (one, a page, a search, the whole waiting line). */
  public int reads() {
    return calls("get") + calls("list") + calls("search") + calls("queued");
  }

  public long largestPageAsked() {
    return largestPageAsked.get();
  }

  public long largestPageRead() {
    return largestPageRead.get();
  }

  public void reset() {
    calls.clear();
    largestPageAsked.reset();
    largestPageRead.reset();
  }
}
