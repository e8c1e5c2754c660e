package dev.trafficmanager.split;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which version of a split a request goes to: the contract every implementation (the API, the Java
 * client's local replica, any other client) follows, so that they all pick the same version for the
 * same hash key. Dependency-free on purpose. Golden vectors are in {@code
 * dev/trafficmanager/split/golden-assignments.json} beside this class.
 *
 * <p>The algorithm, exactly:
 *
 * <ol>
 *   <li>{@code hash(s)} is 64-bit FNV-1a over the UTF-8 bytes of {@code s}, followed by
 *       MurmurHash3's 64-bit finaliser ({@code fmix64}); values are compared as unsigned.
 *   <li>A hash key falls in bucket {@code hash(key) mod 100} (unsigned).
 *   <li>Each version ranks the 100 buckets by {@code hash(version + "#" + bucket)} ascending, ties
 *       by bucket number: its own fixed order of buckets.
 *   <li>Versions take buckets in the order of their names (ascending, by UTF-16 code unit, which
 *       for the ASCII names a version may have is byte order): each takes, from its own order, the
 *       first {@code weight} buckets that no version before it took.
 * </ol>
 *
 * <p>Why: each version holds exactly {@code weight} of the 100 buckets, so over many keys it gets
 * its weight's share; the same key gets the same version while the weights stay (there is no state,
 * only the weights); and when one version's weight only grows while the others shrink or stay,
 * every bucket it held before it still holds (the versions before it can only give buckets up,
 * never take one it had, and among the free buckets it takes a longer prefix of its own order), so
 * no key moves away from it. A version of weight 0, or one that is not named, holds nothing.
 *
 * <p>Immutable and thread-safe.
 */
public final class SplitAssignment {
  /** How many buckets the keys are spread over: weights are percentages. */
  public static final int BUCKETS = 100;

  private final Map<String, Integer> weights;
  private final String[] owners;

  private SplitAssignment(Map<String, Integer> weights, String[] owners) {
    this.weights = weights;
    this.owners = owners;
  }

  /**
   * The assignment of the given weights.
   *
   * @throws IllegalArgumentException unless there is at least one version, no weight is negative or
   *     null, and the weights sum to {@link #BUCKETS}
   */
  public static SplitAssignment of(Map<String, Integer> weights) {
    if (weights == null || weights.isEmpty()) {
      throw new IllegalArgumentException("a split needs at least one version");
    }
    TreeMap<String, Integer> sorted = new TreeMap<>();
    int sum = 0;
    for (Map.Entry<String, Integer> entry : weights.entrySet()) {
      Integer weight = entry.getValue();
      if (entry.getKey() == null || weight == null || weight < 0) {
        throw new IllegalArgumentException(
            "weight of " + entry.getKey() + " must be a whole number from 0 to " + BUCKETS);
      }
      sorted.put(entry.getKey(), weight);
      sum += weight;
    }
    if (sum != BUCKETS) {
      throw new IllegalArgumentException("weights must sum to " + BUCKETS + ", not " + sum);
    }
    String[] owners = new String[BUCKETS];
    for (Map.Entry<String, Integer> entry : sorted.entrySet()) {
      int wanted = entry.getValue();
      for (int bucket : order(entry.getKey())) {
        if (wanted == 0) {
          break;
        }
        if (owners[bucket] == null) {
          owners[bucket] = entry.getKey();
          wanted--;
        }
      }
    }
    return new SplitAssignment(Collections.unmodifiableMap(sorted), owners);
  }

  /** The version a request with this hash key goes to. */
  public String versionFor(String hashKey) {
    return versionForBucket(bucketOf(hashKey));
  }

  /**
   * The version of one bucket: a request without a hash key goes to the version of a bucket drawn
   * uniformly at random, so it goes to each version with the probability of its weight.
   *
   * @throws IllegalArgumentException unless {@code 0 <= bucket < BUCKETS}
   */
  public String versionForBucket(int bucket) {
    if (bucket < 0 || bucket >= BUCKETS) {
      throw new IllegalArgumentException("bucket must be from 0 to " + (BUCKETS - 1));
    }
    return owners[bucket];
  }

  /** The weights, by version name in ascending order. */
  public Map<String, Integer> weights() {
    return weights;
  }

  /** The bucket of a hash key: {@code hash(key) mod 100}. */
  public static int bucketOf(String hashKey) {
    return (int) Long.remainderUnsigned(hash(hashKey), BUCKETS);
  }

  /** The version's own order of the buckets. */
  private static List<Integer> order(String version) {
    List<Integer> buckets = new ArrayList<>(BUCKETS);
    long[] scores = new long[BUCKETS];
    for (int bucket = 0; bucket < BUCKETS; bucket++) {
      buckets.add(bucket);
      scores[bucket] = hash(version + "#" + bucket);
    }
    buckets.sort(
        (a, b) -> {
          int byScore = Long.compareUnsigned(scores[a], scores[b]);
          return byScore != 0 ? byScore : Integer.compare(a, b);
        });
    return buckets;
  }

  /** FNV-1a (64 bit) over the UTF-8 bytes, then MurmurHash3's fmix64 to spread the low bits. */
  static long hash(String text) {
    long h = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  @Override
  public String toString() {
    return "SplitAssignment" + weights;
  }
}
