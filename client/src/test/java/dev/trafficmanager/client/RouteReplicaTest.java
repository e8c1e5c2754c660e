package dev.trafficmanager.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteReplicaTest {
  private static final RouteName CHECKOUT = new RouteName("checkout", "prod", "v1");

  private final RouteReplica replica = new RouteReplica();

  @Test
  void declinesEveryQuestionUntilItHasListed() {
    assertThat(replica.answer(byVersion("v1"))).isEmpty();

    replica.replaceAll(List.of(new RouteEntry(CHECKOUT, "https://a.example", true, 1)), 1);

    assertThat(replica.answer(byVersion("v1")))
        .hasValueSatisfying(
            a -> assertThat(a.resolution().map(Resolution::url)).hasValue("https://a.example"));
  }

  @Test
  void declinesAQuestionWithoutAVersionForTheApiToPick() {
    replica.replaceAll(List.of(new RouteEntry(CHECKOUT, "https://a.example", true, 1)), 1);

    assertThat(
            replica.answer(
                new ResolveRequest(
                    "checkout", "prod", Optional.empty(), Optional.of(HashKey.of("u1")))))
        .isEmpty();
  }

  @Test
  void anInactiveOrUnknownRouteIsAnsweredAsNotResolving() {
    replica.replaceAll(List.of(new RouteEntry(CHECKOUT, "https://a.example", false, 2)), 2);

    assertThat(replica.answer(byVersion("v1"))).hasValue(new LocalAnswer(Optional.empty()));
    assertThat(replica.answer(byVersion("v2"))).hasValue(new LocalAnswer(Optional.empty()));
  }

  @Test
  void aChangeSeenAgainNeverTakesARouteBackToAnOlderRevision() {
    replica.replaceAll(List.of(new RouteEntry(CHECKOUT, "https://third.example", true, 3)), 1);

    replica.apply(new RouteEntry(CHECKOUT, "https://second.example", true, 2));
    assertThat(url()).hasValue("https://third.example");

    replica.apply(new RouteEntry(CHECKOUT, "https://fourth.example", true, 4));
    assertThat(url()).hasValue("https://fourth.example");
  }

  private Optional<String> url() {
    return replica.answer(byVersion("v1")).flatMap(LocalAnswer::resolution).map(Resolution::url);
  }

  private static ResolveRequest byVersion(String version) {
    return new ResolveRequest("checkout", "prod", Optional.of(version), Optional.empty());
  }
}
