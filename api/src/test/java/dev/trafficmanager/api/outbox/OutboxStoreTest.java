package dev.trafficmanager.api.outbox;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.trafficmanager.event.Action;
import dev.trafficmanager.event.JsonSerde;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class OutboxStoreTest {
  private static final String BILLING = "acme/billing/prod/v1";
  private static final Duration RETENTION = Duration.ofDays(7);

  private final OutboxStore store = new OutboxStore();
  private RelayFixture fixture;

  @AfterEach
  void close() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void retentionNeverDeletesARowThatIsStillPendingHoweverOld(TestEnvironment env) throws Exception {
    fixture = new RelayFixture(env.settings(), Map.of());
    OutboxTable outbox = fixture.migratedOutbox();
    long oldPublished = outbox.insertPublished(BILLING, 1, Duration.ofDays(9));
    long oldPending = outbox.insertPending(BILLING, 2, Duration.ofDays(9));
    long recentPublished = outbox.insertPublished(BILLING, 3, Duration.ofDays(1));

    int deleted;
    try (Connection c = outbox.connect()) {
      deleted = store.deletePublishedBefore(c, RETENTION, 100);
    }

    assertThat(deleted).isEqualTo(1);
    assertThat(outbox.exists(oldPublished)).isFalse();
    assertThat(outbox.exists(oldPending)).isTrue();
    assertThat(outbox.exists(recentPublished)).isTrue();
  }

  @Test
  void eachAppendTakesItsTenantsNextIndexAndStoresTheEventWithIt(TestEnvironment env)
      throws Exception {
    fixture = new RelayFixture(env.settings(), Map.of());
    OutboxTable outbox = fixture.migratedOutbox();
    RouteState first = state("acme", 1);
    List<RouteEvent> appended = new ArrayList<>();

    try (Connection c = outbox.connect();
        Handle handle = Jdbi.open(c)) {
      handle.useTransaction(
          h -> {
            appended.add(store.append(h, event(first), null));
            appended.add(store.append(h, event(state("acme", 2)), first));
            appended.add(store.append(h, event(state("globex", 1)), null));
          });

      assertThat(appended).extracting(RouteEvent::index).containsExactly(1L, 2L, 1L);
      JsonSerde<RouteEvent> contract = new JsonSerde<>(RouteEvent.class);
      assertThat(store.pending(c, 10, List.of()))
          .extracting(row -> contract.deserialize("", row.payload().getBytes(UTF_8)))
          .containsExactlyElementsOf(appended);
    }
  }

  @Test
  void aRowMarkedPublishedLeavesThePendingRowsAndTheBacklog(TestEnvironment env) throws Exception {
    fixture = new RelayFixture(env.settings(), Map.of());
    OutboxTable outbox = fixture.migratedOutbox();
    long first = outbox.insertWithoutNotify(BILLING, 1);
    long second = outbox.insertWithoutNotify(BILLING, 2);

    try (Connection c = outbox.connect()) {
      assertThat(store.pending(c, 10, List.of()))
          .extracting(OutboxRow::id)
          .containsExactly(first, second);
      assertThat(store.backlog(c).pendingRows()).isEqualTo(2);

      assertThat(store.markPublished(c, List.of(first))).isEqualTo(1);

      assertThat(store.pending(c, 10, List.of())).extracting(OutboxRow::id).containsExactly(second);
      assertThat(store.backlog(c).pendingRows()).isEqualTo(1);
    }
    assertThat(outbox.isPublished(first)).isTrue();
    assertThat(outbox.isPublished(second)).isFalse();
  }

  @Test
  void theRowsInFlightAreLeftOutExactlyAndTheOldestOthersRead(TestEnvironment env)
      throws Exception {
    fixture = new RelayFixture(env.settings(), Map.of());
    OutboxTable outbox = fixture.migratedOutbox();
    long first = outbox.insertWithoutNotify(BILLING, 1);
    long second = outbox.insertWithoutNotify(BILLING, 2);
    long third = outbox.insertWithoutNotify(BILLING, 3);
    long fourth = outbox.insertWithoutNotify(BILLING, 4);

    try (Connection c = outbox.connect()) {
      assertThat(store.pending(c, 2, List.of(first)))
          .extracting(OutboxRow::id)
          .containsExactly(second, third);
      assertThat(store.pending(c, 10, List.of(first, third)))
          .as("not everything after the last id in flight: the rows between too")
          .extracting(OutboxRow::id)
          .containsExactly(second, fourth);
    }
  }

  @Test
  void forEachRevisionHandsOverThePendingRowsAndThoseWrittenSince(TestEnvironment env)
      throws Exception {
    fixture = new RelayFixture(env.settings(), Map.of());
    OutboxTable outbox = fixture.migratedOutbox();
    outbox.insertPublished(BILLING, 1, Duration.ofDays(9));
    outbox.insertPending(BILLING, 2, Duration.ofDays(9));
    outbox.insertPublished(BILLING, 3, Duration.ofDays(1));

    List<OutboxRevision> pending = new ArrayList<>();
    List<OutboxRevision> sinceTwoDays = new ArrayList<>();
    try (Connection c = outbox.connect()) {
      store.forEachRevision(c, Optional.empty(), 10, pending::add);
      store.forEachRevision(
          c, Optional.of(Instant.now().minus(Duration.ofDays(2))), 10, sinceTwoDays::add);
    }

    assertThat(pending)
        .extracting(OutboxRevision::routeKey, OutboxRevision::revision, OutboxRevision::pending)
        .containsExactly(tuple(BILLING, 2L, true));
    assertThat(sinceTwoDays)
        .extracting(OutboxRevision::revision, OutboxRevision::pending)
        .containsExactlyInAnyOrder(tuple(2L, true), tuple(3L, false));
  }

  private static RouteState state(String tenant, long revision) {
    return new RouteState(
        tenant,
        "billing",
        "prod",
        "v1",
        "https://billing.example/" + revision,
        true,
        revision,
        Instant.parse("2026-12-06T02:00:00Z"));
  }

  private static RouteEvent event(RouteState state) {
    return RouteEvent.of(
        UUID.randomUUID(),
        state.revision() == 1 ? Action.CREATED : Action.URL_CHANGED,
        state,
        state.updatedAt(),
        "deploy-bot",
        "c-" + state.revision());
  }
}
