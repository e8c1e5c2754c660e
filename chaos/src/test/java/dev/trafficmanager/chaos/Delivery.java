package dev.trafficmanager.chaos;

import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.route.RouteInvalidation;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.testkit.InvalidationSubscriber;
import dev.trafficmanager.testkit.TestEnvironment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the topics and the invalidation channel hold for one scenario's routes, against the
 * revisions its writers were acknowledged: each list names {@code route@revision}.
 *
 * @param eventsSeen records on {@code route-events} (read committed) for the scenario's routes
 * @param duplicatesAbsorbed of them, the ones that repeat a revision already there: the relay is at
 *     least once, the processor drops them
 * @param missingOnEvents acknowledged revisions not on {@code route-events}
 * @param missingOnChanges acknowledged revisions not on {@code route-changes}
 * @param doubledOnChanges revisions on {@code route-changes} more than once
 * @param invalidationsMissing acknowledged revisions no invalidation was published for
 */
record Delivery(
    long eventsSeen,
    long duplicatesAbsorbed,
    List<String> missingOnEvents,
    List<String> missingOnChanges,
    List<String> doubledOnChanges,
    List<String> invalidationsMissing) {

  static Delivery of(
      TestEnvironment env,
      String tenantPrefix,
      Acknowledged acks,
      InvalidationSubscriber subscriber) {
    Set<String> invalidations = new HashSet<>(subscriber.messages());
    Map<String, Integer> events = new HashMap<>();
    long eventsSeen = 0;
    for (ConsumerRecord<String, RouteEvent> record : env.readAll(env.topics().routeEvents())) {
      if (record.key().startsWith(tenantPrefix)) {
        eventsSeen++;
        events.merge(record.key() + "@" + record.value().revision(), 1, Integer::sum);
      }
    }
    Map<String, Integer> changes = new HashMap<>();
    for (ConsumerRecord<String, RouteChange> record : env.readAll(env.topics().routeChanges())) {
      if (record.key().startsWith(tenantPrefix)) {
        changes.merge(record.key() + "@" + record.value().revision(), 1, Integer::sum);
      }
    }
    List<String> missingOnEvents = new ArrayList<>();
    List<String> missingOnChanges = new ArrayList<>();
    List<String> invalidationsMissing = new ArrayList<>();
    for (Map.Entry<String, NavigableSet<Long>> route : acks.revisions().entrySet()) {
      for (long revision : route.getValue()) {
        String at = route.getKey() + "@" + revision;
        if (!events.containsKey(at)) {
          missingOnEvents.add(at);
        }
        if (!changes.containsKey(at)) {
          missingOnChanges.add(at);
        }
        if (!invalidations.contains(invalidation(route.getKey(), revision))) {
          invalidationsMissing.add(at);
        }
      }
    }
    List<String> doubled =
        changes.entrySet().stream()
            .filter(e -> e.getValue() > 1)
            .map(e -> e.getKey() + " x" + e.getValue())
            .sorted()
            .toList();
    return new Delivery(
        eventsSeen,
        eventsSeen - events.size(),
        missingOnEvents,
        missingOnChanges,
        doubled,
        invalidationsMissing);
  }

  /** The message the cache-invalidation consumer publishes for the route's revision. */
  static String invalidation(String route, long revision) {
    return new RouteInvalidation(RouteKey.parse(route), revision).toMessage();
  }
}
