package dev.trafficmanager.app.bench;

import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.event.JsonSerde;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.route.RouteKey;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code latency}: writes at a fixed rate ({@link FixedRateWrites}) while taps watch the three
 * places a write becomes visible downstream: {@code route-events} (the relay published it), {@code
 * route-changes} (the processor applied it) and the invalidation channel (the cache-invalidation
 * consumer deleted the cached entry and told the API instances). All times are on one clock, this
 * process's {@link System#nanoTime}; a write's clock starts when its acknowledgement arrives.
 *
 * <p>The taps read the deployment's topics and channel, named from the same settings the services
 * use ({@code TM_KAFKA_BOOTSTRAP}, {@code TM_TOPIC_PREFIX}, {@code TM_REDIS_URL}, {@code
 * TM_REDIS_KEY_PREFIX}), and count only the run's tenant.
 */
final class LatencyRun {
  static final String ROUTE_EVENTS = "route-events";
  static final String ROUTE_CHANGES = "route-changes";
  static final String INVALIDATION = "invalidation";
  private static final long SETTLE_TICK_MILLIS = 50;

  private final Settings settings;
  private final PrintWriter notes;

  LatencyRun(Settings settings, PrintWriter notes) {
    this.settings = settings;
    this.notes = notes;
  }

  PropagationResult measure(
      RouteApi api,
      String tenant,
      List<RouteKey> routes,
      int rate,
      Duration duration,
      Duration grace,
      BooleanSupplier stopped)
      throws InterruptedException {
    KafkaSettings kafka = KafkaSettings.from(settings);
    JsonSerde<RouteEvent> events = new JsonSerde<>(RouteEvent.class);
    JsonSerde<RouteChange> changes = new JsonSerde<>(RouteChange.class);
    Arrivals published = new Arrivals(ROUTE_EVENTS);
    Arrivals processed = new Arrivals(ROUTE_CHANGES);
    Arrivals invalidated = new Arrivals(INVALIDATION);
    List<Arrivals> stages = List.of(published, processed, invalidated);
    try (KafkaTap eventTap =
            KafkaTap.atEnd(
                kafka,
                kafka.topics().routeEvents().name(),
                value -> {
                  RouteEvent event = events.deserialize(null, value);
                  return new KafkaTap.Revision(event.routeKey(), event.revision());
                },
                tenant,
                published);
        KafkaTap changeTap =
            KafkaTap.atEnd(
                kafka,
                kafka.topics().routeChanges().name(),
                value -> {
                  RouteChange change = changes.deserialize(null, value);
                  return new KafkaTap.Revision(change.key(), change.revision());
                },
                tenant,
                processed);
        InvalidationTap invalidationTap =
            InvalidationTap.subscribe(RedisSettings.from(settings), tenant, invalidated)) {
      notes.printf(
          Locale.ROOT,
          "latency: %d URL changes/s for %s over %,d routes; then up to %s for the last to arrive%n",
          rate,
          Settings.format(duration),
          routes.size(),
          Settings.format(grace));
      notes.flush();
      FixedRateWrites.Result sent = new FixedRateWrites(api, routes, rate).run(duration, stopped);
      long deadline = System.nanoTime() + grace.toNanos();
      while (System.nanoTime() - deadline < 0
          && !stopped.getAsBoolean()
          && !stages.stream().allMatch(s -> StageResult.allSeen(s, sent.acknowledged()))) {
        TimeUnit.MILLISECONDS.sleep(SETTLE_TICK_MILLIS);
      }
      return PropagationResult.of(
          rate,
          grace.toNanos() / 1e9,
          sent.writes(),
          stages.stream().map(s -> StageResult.of(s, sent.acknowledged())).toList());
    }
  }
}
