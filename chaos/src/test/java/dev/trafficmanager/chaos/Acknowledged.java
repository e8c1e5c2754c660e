package dev.trafficmanager.chaos;

import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writers' own record: every revision the API acknowledged, per route key, and how many writes
 * were refused (an answer other than 2xx) or failed (no answer: refused connection, timeout), and
 * of the failed how many timed out (a server that took the request and did not answer in time).
 * Only an acknowledged write is a promise; the others may or may not have been committed.
 */
final class Acknowledged {
  private final Map<String, NavigableSet<Long>> revisions = new ConcurrentHashMap<>();
  private final AtomicLong acknowledged = new AtomicLong();
  private final Map<Integer, AtomicLong> refused = new ConcurrentHashMap<>();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();

  void acknowledged(String route, long revision) {
    revisions.computeIfAbsent(route, r -> new ConcurrentSkipListSet<>()).add(revision);
    acknowledged.incrementAndGet();
  }

  void refused(int status) {
    refused.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
  }

  void failed() {
    failed.incrementAndGet();
  }

  /** No answer within the client's timeout: counted as failed too. */
  void timedOut() {
    timedOut.incrementAndGet();
    failed.incrementAndGet();
  }

  long count() {
    return acknowledged.get();
  }

  /** Writes answered with another status than 2xx, by status. */
  Map<Integer, Long> refusedByStatus() {
    Map<Integer, Long> byStatus = new TreeMap<>();
    refused.forEach((status, count) -> byStatus.put(status, count.get()));
    return byStatus;
  }

  long failedCount() {
    return failed.get();
  }

  long timedOutCount() {
    return timedOut.get();
  }

  /** Writes answered 503 or 429: what the API shed. */
  long shed() {
    return refusedByStatus().entrySet().stream()
        .filter(e -> e.getKey() == 503 || e.getKey() == 429)
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /** The revisions acknowledged so far, as a record of their own that later writes do not touch. */
  Acknowledged snapshot() {
    Acknowledged copy = new Acknowledged();
    revisions().forEach((route, revs) -> revs.forEach(r -> copy.acknowledged(route, r)));
    return copy;
  }

  /** Every acknowledged revision by route key, in key order. */
  Map<String, NavigableSet<Long>> revisions() {
    return new TreeMap<>(revisions);
  }
}
