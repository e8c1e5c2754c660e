package dev.trafficmanager.client;

import java.util.Objects;
import java.util.Optional;

/**
 * Why a resolve without a version went to the version it did, as the API's {@code picked} says: the
 * service's split (at {@code splitRevision}) gives {@code version} the bucket the request fell in.
 * With a hash key the bucket is the key's, so the pick is sticky while the weights stay; without
 * one it was drawn at random.
 *
 * @param bucket from 0 to 99: the split's weights are shares of 100 buckets
 * @param weight {@code version}'s weight in the split
 */
public record Picked(
    String version, Optional<HashKey> hashKey, int bucket, int weight, long splitRevision) {
  public Picked {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(hashKey, "hashKey");
  }
}
