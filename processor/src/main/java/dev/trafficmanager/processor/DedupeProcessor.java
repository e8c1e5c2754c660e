package dev.trafficmanager.processor;

import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.RouteState;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The "dedupe" step: applies each route's revisions at most once and never backwards. A revision at
 * or below the stored one is a redelivery or arrived out of order and is dropped. A revision more
 * than one ahead means revisions were lost upstream; it is still applied, since it is the newest
 * truth about the route, and it is logged and counted so that the loss is seen.
 */
final class DedupeProcessor implements FixedKeyProcessor<String, RouteEvent, RouteChange> {
  private static final Logger log = LoggerFactory.getLogger(DedupeProcessor.class);

  private FixedKeyProcessorContext<String, RouteChange> context;
  private KeyValueStore<String, RouteState> routeState;
  private Sensor staleDropped;
  private Sensor revisionGaps;

  @Override
  public void init(FixedKeyProcessorContext<String, RouteChange> context) {
    this.context = context;
    this.routeState = context.getStateStore(RouteTopology.ROUTE_STATE_STORE);
    this.staleDropped = PipelineMetrics.staleRevisionsDropped(context.metrics());
    this.revisionGaps = PipelineMetrics.revisionGaps(context.metrics());
  }

  @Override
  public void process(FixedKeyRecord<String, RouteEvent> record) {
    RouteEvent event = record.value();
    try (MDC.MDCCloseable ignored =
        MDC.putCloseable(RouteTopology.MDC_CORRELATION_ID, event.correlationId())) {
      RouteState previous = routeState.get(record.key());
      long applied = previous == null ? 0 : previous.revision();
      if (event.revision() <= applied) {
        staleDropped.record();
        log.debug(
            "dropped {} revision route_key={} revision={} applied_revision={}",
            event.revision() == applied ? "duplicate" : "stale",
            record.key(),
            event.revision(),
            applied);
        return;
      }
      if (event.revision() > applied + 1) {
        revisionGaps.record();
        log.warn(
            "revision gap, applying the newer revision route_key={} expected={} got={}",
            record.key(),
            applied + 1,
            event.revision());
      }
      routeState.put(record.key(), event.state());
      context.forward(record.withValue(RouteChange.of(event, previous)));
    }
  }
}
