package dev.trafficmanager.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SplitAssignmentTest {
  private static final int KEYS = 10_000;

  /**
   * The golden vectors: fixed keys to fixed versions for fixed weights. Any other implementation
   * (the Java client's, a client in another language) must give exactly these.
   */
  @Test
  void matchesTheGoldenVectors() throws IOException {
    Golden golden;
    try (InputStream in = SplitAssignment.class.getResourceAsStream("golden-assignments.json")) {
      golden = new ObjectMapper().readValue(in, Golden.class);
    }

    assertThat(golden.cases()).isNotEmpty();
    for (GoldenCase c : golden.cases()) {
      SplitAssignment assignment = SplitAssignment.of(c.weights());
      c.buckets()
          .forEach(
              (key, bucket) -> assertThat(SplitAssignment.bucketOf(key)).as(key).isEqualTo(bucket));
      c.versions()
          .forEach(
              (key, version) ->
                  assertThat(assignment.versionFor(key))
                      .as(c.weights() + " " + key)
                      .isEqualTo(version));
    }
  }

  @Test
  void eachVersionHoldsExactlyItsWeightInBuckets() {
    SplitAssignment assignment = SplitAssignment.of(Map.of("v1", 63, "v2", 30, "v3", 7, "v4", 0));

    Map<String, Integer> held = new HashMap<>();
    for (int b = 0; b < SplitAssignment.BUCKETS; b++) {
      held.merge(assignment.versionForBucket(b), 1, Integer::sum);
    }

    assertThat(held).isEqualTo(Map.of("v1", 63, "v2", 30, "v3", 7));
  }

  @Test
  void weightsAreRespectedWithinStatisticalBoundsOverTenThousandHashKeys() {
    for (Map<String, Integer> weights :
        List.of(
            Map.of("v1", 90, "v2", 10),
            Map.of("v1", 50, "v2", 50),
            Map.of("blue", 1, "green", 99),
            Map.of("a", 25, "b", 25, "c", 40, "d", 10))) {
      SplitAssignment assignment = SplitAssignment.of(weights);
      Map<String, Integer> counts = new HashMap<>();
      for (int i = 0; i < KEYS; i++) {
        counts.merge(assignment.versionFor("user-" + i), 1, Integer::sum);
      }
      weights.forEach(
          (version, weight) -> {
            double p = weight / 100.0;
            double expected = KEYS * p;
            // The keys fall in 100 buckets: the count of one version is a sum over its buckets,
            // binomial over keys; five standard deviations plus one bucket's worth of slack.
            double bound = 5 * Math.sqrt(KEYS * p * (1 - p)) + KEYS / 100.0;
            assertThat((double) counts.getOrDefault(version, 0))
                .as("%s of %s", version, weights)
                .isBetween(expected - bound, expected + bound);
          });
    }
  }

  @Test
  void theSameKeyGetsTheSameVersionWhileTheWeightsStay() {
    Map<String, Integer> weights = new LinkedHashMap<>();
    weights.put("v2", 30);
    weights.put("v1", 70);
    SplitAssignment first = SplitAssignment.of(weights);
    // The same weights given in another order, in another instance.
    SplitAssignment second = SplitAssignment.of(Map.of("v1", 70, "v2", 30));

    for (int i = 0; i < KEYS; i++) {
      String key = "session-" + i;
      assertThat(second.versionFor(key)).isEqualTo(first.versionFor(key));
      assertThat(first.versionFor(key)).isEqualTo(first.versionFor(key));
    }
  }

  @Test
  void noKeyMovesAwayFromAVersionWhoseWeightOnlyGrows() {
    Random random = new Random(12);
    List<String> versions = List.of("a", "b", "c", "d", "e");
    for (int round = 0; round < 500; round++) {
      Map<String, Integer> before = randomWeights(random, versions);
      String grower = versions.get(random.nextInt(versions.size()));
      Map<String, Integer> after = grow(random, before, grower);
      SplitAssignment old = SplitAssignment.of(before);
      SplitAssignment now = SplitAssignment.of(after);
      for (int b = 0; b < SplitAssignment.BUCKETS; b++) {
        if (grower.equals(old.versionForBucket(b))) {
          assertThat(now.versionForBucket(b))
              .as("bucket %d from %s to %s", b, before, after)
              .isEqualTo(grower);
        }
      }
    }
  }

  @Test
  void aCanaryRampKeepsEveryKeyThatReachedTheCanary() {
    List<String> onCanary = new ArrayList<>();
    for (int weight = 0; weight <= 100; weight += 5) {
      SplitAssignment assignment = SplitAssignment.of(Map.of("v1", 100 - weight, "v2", weight));
      for (String key : onCanary) {
        assertThat(assignment.versionFor(key)).isEqualTo("v2");
      }
      onCanary.clear();
      for (int i = 0; i < 2000; i++) {
        if (assignment.versionFor("k" + i).equals("v2")) {
          onCanary.add("k" + i);
        }
      }
    }
    assertThat(onCanary).hasSize(2000);
  }

  @Test
  void refusesWeightsThatDoNotSumToOneHundredOrAreNegative() {
    assertThatThrownBy(() -> SplitAssignment.of(Map.of("v1", 90, "v2", 20)))
        .hasMessageContaining("sum to 100");
    assertThatThrownBy(() -> SplitAssignment.of(Map.of("v1", 110, "v2", -10)))
        .hasMessageContaining("v2");
    assertThatThrownBy(() -> SplitAssignment.of(Map.of())).hasMessageContaining("at least one");
  }

  private static Map<String, Integer> randomWeights(Random random, List<String> versions) {
    int[] cuts = new int[versions.size() + 1];
    cuts[versions.size()] = 100;
    for (int i = 1; i < versions.size(); i++) {
      cuts[i] = random.nextInt(101);
    }
    java.util.Arrays.sort(cuts);
    Map<String, Integer> weights = new HashMap<>();
    for (int i = 0; i < versions.size(); i++) {
      weights.put(versions.get(i), cuts[i + 1] - cuts[i]);
    }
    return weights;
  }

  /** Takes a random amount from each other version and gives it to {@code grower}. */
  private static Map<String, Integer> grow(
      Random random, Map<String, Integer> before, String grower) {
    Map<String, Integer> after = new HashMap<>(before);
    int taken = 0;
    for (Map.Entry<String, Integer> e : before.entrySet()) {
      if (!e.getKey().equals(grower) && e.getValue() > 0) {
        int take = random.nextInt(e.getValue() + 1);
        after.put(e.getKey(), e.getValue() - take);
        taken += take;
      }
    }
    after.merge(grower, taken, Integer::sum);
    return after;
  }

  record Golden(
      @JsonProperty("description") String description,
      @JsonProperty("cases") List<GoldenCase> cases) {}

  record GoldenCase(
      @JsonProperty("weights") Map<String, Integer> weights,
      @JsonProperty("buckets") Map<String, Integer> buckets,
      @JsonProperty("versions") Map<String, String> versions,
      @JsonProperty("owners_by_bucket") List<String> ownersByBucket) {}
}
