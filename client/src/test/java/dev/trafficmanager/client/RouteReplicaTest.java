package dev.trafficmanager.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.split.SplitAssignment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteReplicaTest {
  private static final RouteName CHECKOUT = new RouteName("checkout", "prod", "v1");
  private static final SplitName CHECKOUT_SPLIT = new SplitName("checkout", "prod");
  private static final List<RouteEntry> TWO_VERSIONS =
      List.of(
          new RouteEntry(CHECKOUT, "https://v1.example", true, 1),
          new RouteEntry(new RouteName("checkout", "prod", "v2"), "https://v2.example", true, 1));
  // The bucket every question without a hash key draws.
  private static final int DRAWN = 27;

  private final RouteReplica replica = new RouteReplica(() -> DRAWN);

  @Test
  void declinesEveryQuestionUntilItHasListed() {
    assertThat(replica.answer(byVersion("v1"))).isEmpty();
    assertThat(replica.answer(byHashKey("u1"))).isEmpty();

    replica.replaceAll(
        List.of(new RouteEntry(CHECKOUT, "https://a.example", true, 1)), List.of(), 1);

    assertThat(replica.answer(byVersion("v1")))
        .hasValueSatisfying(
            a -> assertThat(a.resolution().map(Resolution::url)).hasValue("https://a.example"));
  }

  @Test
  void anInactiveOrUnknownRouteIsAnsweredAsNotResolving() {
    replica.replaceAll(
        List.of(new RouteEntry(CHECKOUT, "https://a.example", false, 2)), List.of(), 2);

    assertThat(replica.answer(byVersion("v1"))).hasValue(new LocalAnswer(Optional.empty()));
    assertThat(replica.answer(byVersion("v2"))).hasValue(new LocalAnswer(Optional.empty()));
  }

  @Test
  void aChangeSeenAgainNeverTakesARouteBackToAnOlderRevision() {
    replica.replaceAll(
        List.of(new RouteEntry(CHECKOUT, "https://third.example", true, 3)), List.of(), 1);

    replica.apply(new RouteEntry(CHECKOUT, "https://second.example", true, 2));
    assertThat(url()).hasValue("https://third.example");

    replica.apply(new RouteEntry(CHECKOUT, "https://fourth.example", true, 4));
    assertThat(url()).hasValue("https://fourth.example");
  }

  @Test
  void withoutAVersionTheSplitPicksByTheHashKeysBucketAndSaysWhy() {
    Map<String, Integer> weights = Map.of("v1", 90, "v2", 10);
    replica.replaceAll(TWO_VERSIONS, List.of(SplitEntry.of(CHECKOUT_SPLIT, weights, 4)), 9);
    SplitAssignment assignment = SplitAssignment.of(weights);

    for (int i = 0; i < 200; i++) {
      String key = "user-" + i;
      String version = assignment.versionFor(key);
      assertThat(answer(byHashKey(key)))
          .as(key)
          .hasValue(
              new Resolution(
                  "https://" + version + ".example",
                  1,
                  Optional.of(version),
                  Optional.of(
                      new Picked(
                          version,
                          Optional.of(HashKey.of(key)),
                          SplitAssignment.bucketOf(key),
                          weights.get(version),
                          4)),
                  Resolution.Source.REPLICA));
    }
  }

  @Test
  void withoutAHashKeyTheSplitPicksByARandomBucket() {
    Map<String, Integer> weights = Map.of("v1", 50, "v2", 50);
    replica.replaceAll(TWO_VERSIONS, List.of(SplitEntry.of(CHECKOUT_SPLIT, weights, 1)), 9);
    String owner = SplitAssignment.of(weights).versionForBucket(DRAWN);

    Optional<Resolution> answered =
        answer(new ResolveRequest("checkout", "prod", Optional.empty(), Optional.empty()));

    assertThat(answered.flatMap(Resolution::version)).hasValue(owner);
    assertThat(answered.flatMap(Resolution::picked))
        .hasValue(new Picked(owner, Optional.empty(), DRAWN, 50, 1));
  }

  @Test
  void noSplitOrAPickedVersionThatDoesNotResolveIsAnsweredAsNotResolving() {
    replica.replaceAll(
        List.of(new RouteEntry(CHECKOUT, "https://v1.example", true, 1)),
        List.of(SplitEntry.of(new SplitName("search", "prod"), Map.of("v3", 100), 1)),
        9);

    // No split of checkout: the API's 404, not a question for the API.
    assertThat(replica.answer(byHashKey("u1"))).hasValue(new LocalAnswer(Optional.empty()));
    // search's split picks v3, which the replica does not know.
    assertThat(
            replica.answer(
                new ResolveRequest(
                    "search", "prod", Optional.empty(), Optional.of(HashKey.of("u1")))))
        .hasValue(new LocalAnswer(Optional.empty()));
  }

  @Test
  void aDeletedSplitStaysDeletedWhenAnOlderChangeOfItComesAgain() {
    replica.replaceAll(
        TWO_VERSIONS, List.of(SplitEntry.of(CHECKOUT_SPLIT, Map.of("v1", 100), 1)), 5);

    replica.apply(SplitEntry.of(CHECKOUT_SPLIT, Map.of(), 3));
    assertThat(answer(byHashKey("u1"))).isEmpty();
    assertThat(replica.splits()).isZero();

    replica.apply(SplitEntry.of(CHECKOUT_SPLIT, Map.of("v1", 50, "v2", 50), 2));
    assertThat(answer(byHashKey("u1"))).isEmpty();

    // Set again after its deletion: a newer revision.
    replica.apply(SplitEntry.of(CHECKOUT_SPLIT, Map.of("v2", 100), 4));
    assertThat(answer(byHashKey("u1")).flatMap(Resolution::version)).hasValue("v2");
    assertThat(replica.splits()).isOne();
  }

  @Test
  void aRelistReplacesTheSplitsHeld() {
    replica.replaceAll(
        TWO_VERSIONS,
        List.of(
            SplitEntry.of(CHECKOUT_SPLIT, Map.of("v1", 100), 7),
            SplitEntry.of(new SplitName("search", "prod"), Map.of("v1", 100), 2)),
        5);

    // Listed again after the API forgot old changes: checkout's split was deleted and set again
    // (its revision goes on), search's was deleted, so neither list nor watch shows it again.
    replica.replaceAll(
        TWO_VERSIONS, List.of(SplitEntry.of(CHECKOUT_SPLIT, Map.of("v2", 100), 9)), 20);

    assertThat(answer(byHashKey("u1")).flatMap(Resolution::version)).hasValue("v2");
    assertThat(
            replica.answer(
                new ResolveRequest(
                    "search", "prod", Optional.empty(), Optional.of(HashKey.of("u1")))))
        .hasValue(new LocalAnswer(Optional.empty()));
    assertThat(replica.splits()).isOne();
    assertThat(replica.lists()).isEqualTo(2);
  }

  private Optional<String> url() {
    return answer(byVersion("v1")).map(Resolution::url);
  }

  private Optional<Resolution> answer(ResolveRequest request) {
    return replica.answer(request).flatMap(LocalAnswer::resolution);
  }

  private static ResolveRequest byVersion(String version) {
    return new ResolveRequest("checkout", "prod", Optional.of(version), Optional.empty());
  }

  private static ResolveRequest byHashKey(String key) {
    return new ResolveRequest("checkout", "prod", Optional.empty(), Optional.of(HashKey.of(key)));
  }
}
