package dev.trafficmanager.processor;

import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.route.InvalidInputException;
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
 *
 * <p>A revision more than {@code maxRevisionJump} ahead of the stored one (or of 0 for a new route)
 * is refused to the DLQ instead: the API numbers revisions one by one, so such a jump is not lost
 * revisions but a forged or corrupted event, and applying it would make the route drop every real
 * event after it as stale, for good.
 */
final class DedupeProcessor implements FixedKeyProcessor<String, Validation, Ordering> {
  private static final Logger log = LoggerFactory.getLogger(DedupeProcessor.class);

  private final long maxRevisionJump;
  private FixedKeyProcessorContext<String, Ordering> context;
  private KeyValueStore<String, RouteState> routeState;
  private Sensor staleDropped;
  private Sensor revisionGaps;
  private Sensor revisionJumpsRefused;

  DedupeProcessor(long maxRevisionJump) {
    this.maxRevisionJump = maxRevisionJump;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Ordering> context) {
    this.context = context;
    this.routeState = context.getStateStore(RouteTopology.ROUTE_STATE_STORE);
    this.staleDropped = PipelineMetrics.staleRevisionsDropped(context.metrics());
    this.revisionGaps = PipelineMetrics.revisionGaps(context.metrics());
    this.revisionJumpsRefused = PipelineMetrics.revisionJumpsRefused(context.metrics());
  }

  @Override
  public void process(FixedKeyRecord<String, Validation> record) {
    RouteEvent event = record.value().event();
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
      if (event.revision() - applied > maxRevisionJump) {
        revisionJumpsRefused.record();
        log.warn(
            "revision jump refused, sent to the DLQ route_key={} applied_revision={} got={}"
                + " max_jump={}",
            record.key(),
            applied,
            event.revision(),
            maxRevisionJump);
        context.forward(
            record.withValue(
                Ordering.refused(
                    Validation.invalid(
                        record.value().original(),
                        new InvalidInputException(
                            "revision",
                            "jumps from "
                                + applied
                                + " to "
                                + event.revision()
                                + ", more than "
                                + maxRevisionJump
                                + " ahead of the applied revision")))));
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
      context.forward(record.withValue(Ordering.applied(RouteChange.of(event, previous))));
    }
  }
}
