package dev.trafficmanager.client;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tenant's routes in memory, as the list and the watch left them. One thread writes (the {@link
 * ReplicaFollower}); any number read without locking. A route's entry is replaced only by a higher
 * revision, so a change seen twice (a multi-page list overlapping the watch, a relist) never takes
 * it back.
 */
final class RouteReplica implements Replica {
  // Replaced whole by a list, so that a relist never shows half of the old table and half of the
  // new one; changed in place by the watch.
  private volatile Map<RouteName, RouteEntry> routes = new ConcurrentHashMap<>();
  private volatile long index;
  private volatile Instant confirmedCurrentAt;
  private final AtomicLong lists = new AtomicLong();
  private final CountDownLatch ready = new CountDownLatch(1);

  @Override
  public Optional<LocalAnswer> answer(ResolveRequest request) {
    if (!isReady() || request.version().isEmpty()) {
      return Optional.empty();
    }
    RouteEntry entry =
        routes.get(new RouteName(request.service(), request.env(), request.version().get()));
    if (entry == null || !entry.active()) {
      return Optional.of(new LocalAnswer(Optional.empty()));
    }
    return Optional.of(
        new LocalAnswer(
            Optional.of(
                new Resolution(
                    entry.url(),
                    entry.revision(),
                    Optional.of(entry.name().version()),
                    Resolution.Source.REPLICA))));
  }

  /** A complete list at {@code listIndex} takes the place of whatever was held; ready from now. */
  void replaceAll(Collection<RouteEntry> listed, long listIndex) {
    Map<RouteName, RouteEntry> table = new ConcurrentHashMap<>();
    for (RouteEntry entry : listed) {
      table.merge(entry.name(), entry, RouteReplica::newer);
    }
    routes = table;
    index = listIndex;
    lists.incrementAndGet();
    ready.countDown();
  }

  /** A change's state, kept if it is newer than what is held. */
  void apply(RouteEntry changed) {
    routes.merge(changed.name(), changed, RouteReplica::newer);
  }

  /** Every change up to {@code newIndex} has been applied. */
  void advanceTo(long newIndex) {
    index = Math.max(index, newIndex);
  }

  /** An API instance said, at {@code at}, that no change after {@link #index()} existed. */
  void confirmedCurrent(Instant at) {
    confirmedCurrentAt = at;
  }

  boolean isReady() {
    return ready.getCount() == 0;
  }

  boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
    return ready.await(timeout, unit);
  }

  long index() {
    return index;
  }

  int size() {
    return routes.size();
  }

  long lists() {
    return lists.get();
  }

  Optional<Instant> confirmedCurrentAt() {
    return Optional.ofNullable(confirmedCurrentAt);
  }

  private static RouteEntry newer(RouteEntry held, RouteEntry offered) {
    return offered.revision() > held.revision() ? offered : held;
  }
}
