package dev.trafficmanager.api.watch;

import dev.trafficmanager.api.changes.ChangeFilter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * A parked blocking query: no thread, only this object and its future, completed by whoever first
 * has an answer (a fetch that found matching changes, its timeout, the server stopping). Its fields
 * are guarded by its tenant window's lock.
 */
final class Waiter {
  final ChangeFilter filter;
  final CompletableFuture<WatchAnswer> answer = new CompletableFuture<>();
  // The last index looked at: changes after it are what the waiter still wants.
  long position;
  ScheduledFuture<?> timeout;

  Waiter(ChangeFilter filter, long position) {
    this.filter = filter;
    this.position = position;
  }

  /** Answers with no changes at the index looked at so far. */
  void answerEmpty() {
    answer.complete(new WatchAnswer(position, List.of()));
  }
}
