package dev.trafficmanager.api.outbox;

import static dev.trafficmanager.api.outbox.RelayFixture.header;
import static dev.trafficmanager.api.outbox.RelayFixture.revisions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.topic.EventHeaders;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class OutboxRelayTest {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final String BILLING = "acme/billing/prod/v1";
  private static final String SEARCH = "acme/search/prod/v1";

  private RelayFixture fixture;

  @AfterEach
  void closeRelays() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void publishesPendingRowsInIdOrderAndMarksThemPublished(TestEnvironment env) throws Exception {
    fixture = new RelayFixture(env.settings(), Map.of());
    env.createTopics();
    OutboxTable outbox = fixture.migratedOutbox();
    outbox.insert(BILLING, 1);
    outbox.insert(SEARCH, 1);
    outbox.insert(BILLING, 2);
    outbox.insert(SEARCH, 2);
    outbox.insert(BILLING, 3);

    fixture.started();

    await("every row marked published").atMost(BOUND).until(() -> outbox.pending() == 0);
    assertThat(outbox.published()).isEqualTo(5);
    List<ConsumerRecord<String, RouteEvent>> events = fixture.events();
    assertThat(events).hasSize(5);
    assertThat(revisions(events, BILLING)).containsExactly(1L, 2L, 3L);
    assertThat(revisions(events, SEARCH)).containsExactly(1L, 2L);
    ConsumerRecord<String, RouteEvent> first =
        events.stream().filter(r -> r.key().equals(BILLING)).findFirst().orElseThrow();
    assertThat(header(first, EventHeaders.CORRELATION_ID)).isEqualTo("corr-" + BILLING + "#1");
    assertThat(header(first, EventHeaders.EVENT_TYPE)).isEqualTo(RouteEvent.EVENT_TYPE);
    assertThat(first.value().correlationId()).isEqualTo("corr-" + BILLING + "#1");
  }

  @Test
  void aRowCommittedAfterALaterIdIsStillPublished(TestEnvironment env) throws Exception {
    fixture = new RelayFixture(env.settings(), Map.of());
    env.createTopics();
    OutboxTable outbox = fixture.migratedOutbox();
    fixture.started();
    try (Connection slow = outbox.connect()) {
      slow.setAutoCommit(false);
      long earlierId = outbox.insert(slow, BILLING, 1);
      long laterId = outbox.insert(SEARCH, 1);
      assertThat(laterId).isGreaterThan(earlierId);

      await("the later id, committed first, is published")
          .atMost(BOUND)
          .until(() -> outbox.isPublished(laterId));
      slow.commit();

      await("the earlier id, committed last, is published too")
          .atMost(BOUND)
          .until(() -> outbox.isPublished(earlierId));
    }
    List<ConsumerRecord<String, RouteEvent>> events = fixture.events();
    assertThat(revisions(events, BILLING)).containsExactly(1L);
    assertThat(revisions(events, SEARCH)).containsExactly(1L);
  }

  @Test
  void onlyOneRelayLeadsAndAStandbyTakesOverWhenTheLeaderDies(TestEnvironment env)
      throws Exception {
    fixture = new RelayFixture(env.settings(), Map.of());
    env.createTopics();
    OutboxTable outbox = fixture.migratedOutbox();
    OutboxRelay first = fixture.started();
    OutboxRelay second = fixture.started();

    await("a relay leads").atMost(BOUND).until(() -> first.isLeader() || second.isLeader());
    await("exactly one relay leads")
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(5))
        .until(() -> first.isLeader() ^ second.isLeader());
    OutboxRelay leader = first.isLeader() ? first : second;
    OutboxRelay standby = leader == first ? second : first;
    long before = outbox.insert(BILLING, 1);
    await("published by the leader").atMost(BOUND).until(() -> outbox.isPublished(before));

    leader.close();

    assertThat(leader.isLeader()).isFalse();
    await("the standby takes over").atMost(BOUND).until(standby::isLeader);
    long after = outbox.insert(BILLING, 2);
    await("published by the new leader").atMost(BOUND).until(() -> outbox.isPublished(after));
    assertThat(revisions(fixture.events(), BILLING)).containsExactly(1L, 2L);
  }

  @Test
  void aLeaderWhoseDatabaseSessionIsKilledReconnectsAndKeepsPublishing(TestEnvironment env)
      throws Exception {
    fixture = new RelayFixture(env.settings(), Map.of());
    env.createTopics();
    OutboxTable outbox = fixture.migratedOutbox();
    OutboxRelay relay = fixture.started();
    await("the relay leads").atMost(BOUND).until(relay::isLeader);
    assertThat(fixture.meters().get(OutboxRelay.LEADER).gauge().value())
        .as("tm_outbox_relay_leader")
        .isEqualTo(1.0);
    long before = outbox.insert(BILLING, 1);
    await("published before the kill").atMost(BOUND).until(() -> outbox.isPublished(before));

    assertThat(terminateLeaderSession(outbox)).isEqualTo(1);

    long after = outbox.insert(BILLING, 2);
    await("published after the kill").atMost(BOUND).until(() -> outbox.isPublished(after));
    assertThat(relay.isLeader()).isTrue();
  }

  @Test
  void deletesPublishedRowsOlderThanTheRetention(TestEnvironment env) throws Exception {
    fixture =
        new RelayFixture(
            env.settings(),
            Map.of(
                OutboxSettings.RETENTION, "7d",
                OutboxSettings.RETENTION_SWEEP_INTERVAL, "100ms",
                // Smaller than the old rows, so one sweep takes several delete statements.
                OutboxSettings.BATCH_SIZE, "2"));
    OutboxTable outbox = fixture.migratedOutbox();
    List<Long> old =
        List.of(
            outbox.insertPublished(BILLING, 1, Duration.ofDays(9)),
            outbox.insertPublished(BILLING, 2, Duration.ofDays(8)),
            outbox.insertPublished(BILLING, 3, Duration.ofDays(8)),
            outbox.insertPublished(SEARCH, 1, Duration.ofDays(8)),
            outbox.insertPublished(SEARCH, 2, Duration.ofDays(7).plusHours(1)));
    long recent = outbox.insertPublished(BILLING, 4, Duration.ofDays(6));

    fixture.started();

    await("rows published more than 7 days ago are deleted")
        .atMost(BOUND)
        .until(() -> old.stream().noneMatch(id -> exists(outbox, id)));
    assertThat(outbox.exists(recent)).isTrue();
  }

  private static boolean exists(OutboxTable outbox, long id) {
    try {
      return outbox.exists(id);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Ends the session holding the leader lock from the server side, as a failover or a DBA would.
   */
  private static int terminateLeaderSession(OutboxTable outbox) throws Exception {
    try (Connection c = outbox.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT pg_terminate_backend(pid) FROM pg_locks"
                    + " WHERE locktype = 'advisory' AND granted"
                    + " AND database = (SELECT oid FROM pg_database"
                    + " WHERE datname = current_database())")) {
      int terminated = 0;
      while (rs.next()) {
        if (rs.getBoolean(1)) {
          terminated++;
        }
      }
      return terminated;
    }
  }

  @Test
  void aLeaderThatHoldsTheLockButNoLongerRenewsItsLeaseIsEndedAndARelayTakesOver(
      TestEnvironment env) throws Exception {
    fixture = new RelayFixture(env.settings(), Map.of(OutboxSettings.LEASE, "3s"));
    env.createTopics();
    OutboxTable outbox = fixture.migratedOutbox();
    try (Connection frozen = outbox.connect()) {
      // A leader that froze: its session holds the lock, its lease is claimed and never renewed.
      try (Statement st = frozen.createStatement()) {
        st.execute("SELECT pg_advisory_lock(" + RelaySession.LEADER_LOCK_KEY + ")");
        st.execute("INSERT INTO relay_lease (id, epoch, holder) VALUES (1, 7, 'frozen')");
      }
      outbox.insert(BILLING, 1);

      OutboxRelay relay = fixture.started();

      await("the relay took over and published").atMost(BOUND).until(() -> outbox.pending() == 0);
      assertThat(relay.isLeader()).isTrue();
      assertThat(frozen.isValid(5)).as("the frozen leader's session was ended").isFalse();
      await("the new leadership renews its lease")
          .atMost(BOUND)
          .until(() -> lease(outbox), mark -> mark.epoch() == 8 && mark.renewals() > 0);
    }
    assertThat(revisions(fixture.events(), BILLING)).containsExactly(1L);
  }

  private static LeaseMark lease(OutboxTable outbox) throws Exception {
    try (Connection c = outbox.connect()) {
      return new LeaseStore().read(c).orElseThrow();
    }
  }
}
