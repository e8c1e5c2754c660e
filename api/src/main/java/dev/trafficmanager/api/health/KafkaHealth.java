package dev.trafficmanager.api.health;

import dev.trafficmanager.api.outbox.OutboxRelay;
import dev.trafficmanager.health.ComponentHealth;
import dev.trafficmanager.health.HealthCheck;
import dev.trafficmanager.health.HealthStatus;
import dev.trafficmanager.resilience.Dependency;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kafka as the API sees it, through its outbox relay: DOWN while the {@code kafka} breaker is open
 * or the leading relay's last publish failed, DEGRADED while the breaker is half-open, UP
 * otherwise; the detail carries the relay's role and the outbox backlog (pending rows and the age
 * of the oldest). The API registers it as optional: writes commit to the outbox and never wait for
 * Kafka, so Kafka down delays events but does not make the API unready.
 */
public final class KafkaHealth implements HealthCheck {
  private final OutboxRelay relay;
  private final HealthCheck breaker;
  private final DatabaseWatch watch;

  public KafkaHealth(OutboxRelay relay, CircuitBreaker breaker, DatabaseWatch watch) {
    this.relay = relay;
    this.breaker = HealthCheck.of(breaker);
    this.watch = watch;
  }

  @Override
  public ComponentHealth check() {
    ComponentHealth breakerHealth = breaker.check();
    boolean leader = relay.isLeader();
    boolean failing = relay.isKafkaFailing();
    Map<String, Object> detail = new LinkedHashMap<>(breakerHealth.detail());
    detail.put("outbox_relay", leader ? "leader" : "standby");
    if (leader) {
      detail.put("publishing", failing ? "failing" : "ok");
    }
    watch
        .backlog()
        .ifPresent(
            backlog -> {
              detail.put("pending_rows", backlog.pendingRows());
              detail.put("oldest_pending_age_seconds", backlog.oldestPendingAgeSeconds());
            });
    HealthStatus status = failing ? HealthStatus.DOWN : breakerHealth.status();
    if (status == HealthStatus.DOWN) {
      detail.put("reason", "events wait in the outbox until Kafka is reachable; writes go on");
    }
    return new ComponentHealth(Dependency.KAFKA.wireName(), status, detail);
  }
}
