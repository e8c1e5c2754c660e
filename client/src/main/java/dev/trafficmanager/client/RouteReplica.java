package dev.trafficmanager.client;

import dev.trafficmanager.split.SplitAssignment;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * The tenant's routes and splits in memory, as the list and the watch left them. One thread writes
 * (the {@link ReplicaFollower}); any number read without locking. An entry is replaced only by a
 * higher revision, so a change seen twice (a multi-page list overlapping the watch, a relist) never
 * takes it back; a deleted split stays as a tombstone for the same reason.
 *
 * <p>A question without a version is answered as the API's {@code SplitResolver} answers it: the
 * service's split picks the version by the hash key's bucket ({@link SplitAssignment#bucketOf}), or
 * by a bucket drawn at random, and the picked version's route resolves as any other.
 */
final class RouteReplica implements Replica {
  private final IntSupplier randomBucket;
  // Replaced whole by a list, so that a relist never shows half of the old tables and half of the
  // new ones; changed in place by the watch.
  private volatile Tables tables = new Tables(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
  private volatile long index;
  private volatile Instant confirmedCurrentAt;
  private final AtomicLong lists = new AtomicLong();
  private final CountDownLatch ready = new CountDownLatch(1);

  /**
   * @param randomBucket a bucket from 0 to 99, uniformly at random: the pick of a question without
   *     a hash key
   */
  RouteReplica(IntSupplier randomBucket) {
    this.randomBucket = randomBucket;
  }

  private record Tables(Map<RouteName, RouteEntry> routes, Map<SplitName, SplitEntry> splits) {}

  @Override
  public Optional<LocalAnswer> answer(ResolveRequest request) {
    if (!isReady()) {
      return Optional.empty();
    }
    // One read of the tables, so that a relist cannot change them between the split and the route.
    Tables held = tables;
    if (request.version().isEmpty()) {
      return Optional.of(new LocalAnswer(bySplit(held, request)));
    }
    RouteName name = new RouteName(request.service(), request.env(), request.version().get());
    return Optional.of(
        new LocalAnswer(route(held, name).map(entry -> resolution(entry, Optional.empty()))));
  }

  /** No split (or a deleted one), or a picked version that does not resolve: the API's 404. */
  private Optional<Resolution> bySplit(Tables held, ResolveRequest request) {
    SplitEntry split = held.splits().get(new SplitName(request.service(), request.env()));
    if (split == null || split.deleted()) {
      return Optional.empty();
    }
    SplitAssignment assignment = split.assignment().get();
    int bucket =
        request
            .hashKey()
            .map(k -> SplitAssignment.bucketOf(k.value()))
            .orElseGet(randomBucket::getAsInt);
    String version = assignment.versionForBucket(bucket);
    Picked picked =
        new Picked(
            version,
            request.hashKey(),
            bucket,
            assignment.weights().get(version),
            split.revision());
    return route(held, new RouteName(request.service(), request.env(), version))
        .map(entry -> resolution(entry, Optional.of(picked)));
  }

  /** The route when it resolves: known and active. */
  private static Optional<RouteEntry> route(Tables held, RouteName name) {
    return Optional.ofNullable(held.routes().get(name)).filter(RouteEntry::active);
  }

  private static Resolution resolution(RouteEntry entry, Optional<Picked> picked) {
    return new Resolution(
        entry.url(),
        entry.revision(),
        Optional.of(entry.name().version()),
        picked,
        Resolution.Source.REPLICA);
  }

  /**
   * A complete list of routes and splits, reflecting every change up to {@code listIndex}, takes
   * the place of whatever was held; ready from now. Splits deleted before it are not in it, and no
   * change of theirs up to {@code listIndex} comes again, so no tombstone is needed for them.
   */
  void replaceAll(Collection<RouteEntry> routes, Collection<SplitEntry> splits, long listIndex) {
    Map<RouteName, RouteEntry> routeTable = new ConcurrentHashMap<>();
    for (RouteEntry entry : routes) {
      routeTable.merge(entry.name(), entry, RouteReplica::newer);
    }
    Map<SplitName, SplitEntry> splitTable = new ConcurrentHashMap<>();
    for (SplitEntry entry : splits) {
      splitTable.merge(entry.name(), entry, RouteReplica::newer);
    }
    tables = new Tables(routeTable, splitTable);
    index = listIndex;
    lists.incrementAndGet();
    ready.countDown();
  }

  /** A change's state, kept if it is newer than what is held. */
  void apply(ReplicaEntry changed) {
    Tables held = tables;
    if (changed instanceof RouteEntry route) {
      held.routes().merge(route.name(), route, RouteReplica::newer);
    } else if (changed instanceof SplitEntry split) {
      held.splits().merge(split.name(), split, RouteReplica::newer);
    }
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
    return tables.routes().size();
  }

  /** Splits held, deleted ones (tombstones) not counted. */
  int splits() {
    return (int) tables.splits().values().stream().filter(s -> !s.deleted()).count();
  }

  long lists() {
    return lists.get();
  }

  Optional<Instant> confirmedCurrentAt() {
    return Optional.ofNullable(confirmedCurrentAt);
  }

  private static <E extends ReplicaEntry> E newer(E held, E offered) {
    return offered.revision() > held.revision() ? offered : held;
  }
}
