package dev.trafficmanager.api.outbox;

import java.time.Instant;
import java.util.Optional;

/**
 * What the outbox holds for a range.
 *
 * @param published rows the relay has published: what republish sends
 * @param pending rows not yet published: the relay sends those itself
 * @param oldestStored the creation time of the oldest row still in the outbox, of any range;
 *     published rows older than the retention are deleted, and cannot be republished
 */
public record RangeCount(long published, long pending, Optional<Instant> oldestStored) {}
