package dev.trafficmanager.api.resolve;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.trafficmanager.event.SplitState;
import dev.trafficmanager.split.SplitAssignment;
import dev.trafficmanager.split.SplitKey;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * This instance's copy of the splits resolve reads, in memory for the near cache's TTL at most, so
 * that its staleness bound holds for splits too when every invalidation is lost. Splits are not
 * kept in Redis: there is one per service and env, read once per TTL per instance.
 *
 * <p>Revision-aware like the {@link NearCache}: {@link #invalidate} of revision {@code r} drops an
 * older copy and leaves a floor, so a load that read an older revision before the invalidation
 * arrived is answered but not kept. Thread-safe.
 */
public final class SplitCache {
  private final Cache<SplitKey, Loaded> splits;
  private final Cache<SplitKey, Long> floors;

  /** A split as loaded: its assignment (empty when there is none, or it was deleted). */
  record Loaded(Optional<SplitAssignment> assignment, long revision) {
    static Loaded of(Optional<SplitState> state) {
      return new Loaded(
          state.filter(s -> !s.deleted()).map(s -> SplitAssignment.of(s.weights())),
          state.map(SplitState::revision).orElse(0L));
    }
  }

  public SplitCache(NearCacheSettings settings) {
    this.splits =
        Caffeine.newBuilder()
            .maximumSize(settings.maximumSize())
            .expireAfterWrite(settings.ttl())
            .build();
    this.floors =
        Caffeine.newBuilder()
            .maximumSize(settings.maximumSize())
            .expireAfterWrite(settings.ttl())
            .build();
  }

  /** The split from memory, or from {@code load} (kept unless an invalidation made it stale). */
  Loaded get(SplitKey key, Supplier<Optional<SplitState>> load) {
    Loaded cached = splits.getIfPresent(key);
    if (cached != null) {
      return cached;
    }
    Loaded loaded = Loaded.of(load.get());
    Long floor = floors.getIfPresent(key);
    if (floor == null || loaded.revision() >= floor) {
      splits.asMap().merge(key, loaded, (old, now) -> old.revision() > now.revision() ? old : now);
    }
    return loaded;
  }

  /** Says the split changed at {@code revision}: older copies are dropped. Never blocks. */
  public void invalidate(SplitKey key, long revision) {
    floors.asMap().merge(key, revision, Math::max);
    splits.asMap().computeIfPresent(key, (k, v) -> v.revision() < revision ? null : v);
  }

  /** Drops everything: invalidations were missed. */
  public void clear() {
    splits.invalidateAll();
  }
}
