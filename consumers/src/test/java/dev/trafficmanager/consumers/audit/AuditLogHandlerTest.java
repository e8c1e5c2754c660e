package dev.trafficmanager.consumers.audit;

import static dev.trafficmanager.consumers.TestChanges.apply;
import static dev.trafficmanager.consumers.TestChanges.change;
import static dev.trafficmanager.consumers.TestChanges.deactivation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.trafficmanager.consumers.TestChanges;
import dev.trafficmanager.consumers.runner.BatchResult;
import dev.trafficmanager.consumers.runner.NonRetriableException;
import dev.trafficmanager.database.DatabaseFailures;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.database.Migrations;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.SplitChange;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class AuditLogHandlerTest {
  private static final RouteKey ROUTE = RouteKey.parse("acme/billing/prod/v1");

  @Test
  void writesOneRowPerChangeWithWhoDidWhatWhenAndTheStateBeforeAndAfter(TestEnvironment env) {
    withHandler(
        env,
        (handler, jdbi) -> {
          RouteChange deactivated = deactivation(ROUTE, 2);

          apply(handler, deactivated);

          Map<String, Object> row =
              jdbi.withHandle(h -> h.createQuery("SELECT * FROM audit_log").mapToMap().one());
          assertThat(row)
              .containsEntry("event_id", deactivated.eventId())
              .containsEntry("route_key", "acme/billing/prod/v1")
              .containsEntry("tenant", "acme")
              .containsEntry("service", "billing")
              .containsEntry("env", "prod")
              .containsEntry("version", "v1")
              .containsEntry("action", "deactivated")
              .containsEntry("previous_url", deactivated.previous().url())
              .containsEntry("new_url", deactivated.current().url())
              .containsEntry("previous_active", true)
              .containsEntry("new_active", false)
              .containsEntry("revision", 2L)
              .containsEntry("actor", "operator")
              .containsEntry("correlation_id", "corr-2");
          OffsetDateTime occurredAt =
              jdbi.withHandle(
                  h ->
                      h.createQuery("SELECT occurred_at FROM audit_log")
                          .mapTo(OffsetDateTime.class)
                          .one());
          assertThat(occurredAt.toInstant()).isEqualTo(deactivated.occurredAt());
          assertThat(row.get("processed_at")).isNotNull();
        });
  }

  @Test
  void aRoutesFirstRevisionHasNoPreviousState(TestEnvironment env) {
    withHandler(
        env,
        (handler, jdbi) -> {
          apply(handler, change(ROUTE, 1));

          Map<String, Object> row =
              jdbi.withHandle(
                  h ->
                      h.createQuery("SELECT previous_url, previous_active, action FROM audit_log")
                          .mapToMap()
                          .one());
          assertThat(row)
              .containsEntry("previous_url", null)
              .containsEntry("previous_active", null)
              .containsEntry("action", "created");
        });
  }

  @Test
  void aDuplicateOrAReplayedChangeIsANoOp(TestEnvironment env) {
    withHandler(
        env,
        (handler, jdbi) -> {
          RouteChange first = change(ROUTE, 1);
          RouteChange second = change(ROUTE, 2);
          apply(handler, first);
          apply(handler, second);

          apply(handler, first);
          apply(handler, second);
          // The same revision re-emitted under another event id (a processor rebuild).
          apply(handler, withEventId(second, UUID.randomUUID()));

          List<UUID> rows =
              jdbi.withHandle(
                  h ->
                      h.createQuery("SELECT event_id FROM audit_log ORDER BY revision")
                          .mapTo(UUID.class)
                          .list());
          assertThat(rows).containsExactly(first.eventId(), second.eventId());
        });
  }

  @Test
  void rowsStayOnePerRevisionWhenBatchesAreReplayedOrRepeatThemselves(TestEnvironment env) {
    withHandler(
        env,
        (handler, jdbi) -> {
          List<RouteChange> changes = new ArrayList<>();
          for (long revision = 1; revision <= 5; revision++) {
            changes.add(change(ROUTE, revision));
          }

          assertThat(handler.apply(changes)).isEqualTo(BatchResult.all(5));
          // A replay of the same batch, and one that overlaps it and repeats a change within
          // itself, with revision 4 re-emitted under another event id (a processor rebuild).
          assertThat(handler.apply(changes)).isEqualTo(BatchResult.all(5));
          List<RouteChange> overlapping =
              List.of(
                  changes.get(3),
                  withEventId(changes.get(3), UUID.randomUUID()),
                  changes.get(4),
                  change(ROUTE, 6),
                  changes.get(4));
          assertThat(handler.apply(overlapping)).isEqualTo(BatchResult.all(5));

          List<Long> revisions =
              jdbi.withHandle(
                  h ->
                      h.createQuery("SELECT revision FROM audit_log ORDER BY revision")
                          .mapTo(Long.class)
                          .list());
          assertThat(revisions).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        });
  }

  @Test
  void aRowRejectedInsideABatchFailsAloneWithTheRowsBeforeItWrittenAndNoneAfterIt(
      TestEnvironment env) {
    withHandler(
        env,
        (handler, jdbi) -> {
          RouteChange third = change(ROUTE, 3);
          List<RouteChange> batch =
              List.of(
                  change(ROUTE, 1),
                  change(ROUTE, 2),
                  withActor(third, null),
                  change(ROUTE, 4),
                  change(ROUTE, 5));

          BatchResult result = handler.apply(batch);

          assertThat(result.applied()).isEqualTo(2);
          assertThat(result.failure())
              .containsInstanceOf(NonRetriableException.class)
              .hasValueSatisfying(e -> assertThat(e).hasMessageContaining("actor"));
          List<Long> revisions =
              jdbi.withHandle(
                  h ->
                      h.createQuery("SELECT revision FROM audit_log ORDER BY revision")
                          .mapTo(Long.class)
                          .list());
          assertThat(revisions).containsExactly(1L, 2L);
        });
  }

  @Test
  void aRowTheDatabaseRejectsIsNotRetried(TestEnvironment env) {
    RouteChange good = change(ROUTE, 1);
    RouteChange withoutActor =
        new RouteChange(
            1,
            good.eventId(),
            good.action(),
            good.routeKey(),
            1,
            null,
            good.current(),
            good.occurredAt(),
            null,
            good.correlationId());
    withHandler(
        env,
        (handler, jdbi) ->
            assertThatThrownBy(() -> apply(handler, withoutActor))
                .isInstanceOf(NonRetriableException.class)
                .hasMessageContaining("actor"));
  }

  @Test
  void anUnreachableDatabaseIsAnOutage() {
    DatabaseSettings nowhere =
        new DatabaseSettings(
            "jdbc:postgresql://localhost:1/nowhere",
            "postgres",
            "",
            1,
            Duration.ofMillis(250),
            Duration.ofSeconds(1));
    try (HikariDataSource pool = nowhere.openPool("test-nowhere")) {
      AuditLogHandler handler =
          new AuditLogHandler(Jdbi.create(pool).installPlugin(new PostgresPlugin()));

      assertThatThrownBy(() -> apply(handler, change(ROUTE, 1)))
          .isInstanceOf(RuntimeException.class)
          .isNotInstanceOf(NonRetriableException.class)
          .matches(e -> DatabaseFailures.isTransient(e), "an outage");
    }
  }

  private static RouteChange withActor(RouteChange change, String actor) {
    return new RouteChange(
        change.schemaVersion(),
        change.eventId(),
        change.action(),
        change.routeKey(),
        change.revision(),
        change.previous(),
        change.current(),
        change.occurredAt(),
        actor,
        change.correlationId());
  }

  private static RouteChange withEventId(RouteChange change, UUID eventId) {
    return new RouteChange(
        change.schemaVersion(),
        eventId,
        change.action(),
        change.routeKey(),
        change.revision(),
        change.previous(),
        change.current(),
        change.occurredAt(),
        change.actor(),
        change.correlationId());
  }

  @Test
  void splitChangesGoToTheSplitAuditLogOnceEachEvenWhenDeliveredTwice(TestEnvironment env) {
    withHandler(
        env,
        (handler, jdbi) -> {
          SplitChange first = TestChanges.split(1, Map.of("v1", 90, "v2", 10));
          SplitChange deleted = TestChanges.split(2, Map.of());

          assertThat(handler.applySplits(List.of(first, deleted, first)).applied()).isEqualTo(3);

          List<Map<String, Object>> rows =
              jdbi.withHandle(
                  h ->
                      h.createQuery(
                              "SELECT split_key, action, revision, actor, correlation_id,"
                                  + " CAST(new_weights AS text) AS new_weights"
                                  + " FROM split_audit_log ORDER BY revision")
                          .mapToMap()
                          .list());
          assertThat(rows).hasSize(2);
          assertThat(rows.get(0))
              .containsEntry("split_key", "acme/billing/prod")
              .containsEntry("action", "split_changed")
              .containsEntry("revision", 1L)
              .containsEntry("actor", "tester")
              .containsEntry("correlation_id", "corr-split-1")
              .containsEntry("new_weights", "{\"v1\": 90, \"v2\": 10}");
          assertThat(rows.get(1)).containsEntry("new_weights", "{}");
          long routeRows =
              jdbi.withHandle(
                  h -> h.createQuery("SELECT count(*) FROM audit_log").mapTo(Long.class).one());
          assertThat(routeRows).isZero();
        });
  }

  private static void withHandler(TestEnvironment env, Use use) {
    try (HikariDataSource pool = env.database().openPool("test-audit")) {
      Migrations.migrate(pool);
      Jdbi jdbi = Jdbi.create(pool).installPlugin(new PostgresPlugin());
      use.accept(new AuditLogHandler(jdbi), jdbi);
    }
  }

  @FunctionalInterface
  private interface Use {
    void accept(AuditLogHandler handler, Jdbi jdbi);
  }
}
