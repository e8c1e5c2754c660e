package dev.trafficmanager.api.resolve;

import dev.trafficmanager.event.SplitState;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.split.SplitAssignment;
import dev.trafficmanager.split.SplitKey;
import io.github.resilience4j.bulkhead.Bulkhead;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * Resolves a service in an env without a version: the split picks the version ({@link
 * SplitAssignment}: by the hash key's bucket, sticky while the weights stay; without a hash key by
 * a bucket drawn at random), then the route resolves as any other ({@link Resolver}). The split
 * comes from the {@link SplitCache}, or from PostgreSQL in the {@code reads} bulkhead.
 */
public final class SplitResolver {
  private final SplitCache cache;
  private final Resolver routes;
  private final Function<SplitKey, Optional<SplitState>> splits;
  private final Bulkhead loads;
  private final IntSupplier randomBucket;

  /**
   * @param splits reads a split from PostgreSQL (a deleted one too)
   * @param randomBucket a bucket from 0 to 99, uniformly at random
   */
  public SplitResolver(
      SplitCache cache,
      Resolver routes,
      Function<SplitKey, Optional<SplitState>> splits,
      Bulkhead loads,
      IntSupplier randomBucket) {
    this.cache = cache;
    this.routes = routes;
    this.splits = splits;
    this.loads = loads;
    this.randomBucket = randomBucket;
  }

  /** The split's answer: which version, or why none. */
  public sealed interface Answer permits Resolved, NoSplit, NotResolvable {}

  /** The picked version resolved. */
  public record Resolved(Resolution resolution) implements Answer {}

  /** The service has no split in the env (or it was deleted). */
  public record NoSplit() implements Answer {}

  /** The picked version does not resolve (it was deactivated as the split changed). */
  public record NotResolvable(RouteKey route) implements Answer {}

  /**
   * @param hashKey the caller's sticky key (a user or session id); empty: a random pick by weight
   */
  public Answer resolve(SplitKey key, Optional<String> hashKey) {
    SplitCache.Loaded split = cache.get(key, () -> loads.executeSupplier(() -> splits.apply(key)));
    if (split.assignment().isEmpty()) {
      return new NoSplit();
    }
    SplitAssignment assignment = split.assignment().get();
    int bucket = hashKey.map(SplitAssignment::bucketOf).orElseGet(randomBucket::getAsInt);
    String version = assignment.versionForBucket(bucket);
    RouteKey route = new RouteKey(key.tenant(), key.service(), key.env(), version);
    Picked picked =
        new Picked(
            version,
            Picked.BY_SPLIT,
            hashKey.orElse(null),
            bucket,
            assignment.weights().get(version),
            split.revision());
    return routes
        .resolve(route)
        .<Answer>map(r -> new Resolved(r.pickedBy(picked)))
        .orElseGet(() -> new NotResolvable(route));
  }
}
