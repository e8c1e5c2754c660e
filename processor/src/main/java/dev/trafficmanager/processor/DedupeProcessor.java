package dev.trafficmanager.processor;

import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.event.RouteState;
import dev.trafficmanager.event.SplitChange;
import dev.trafficmanager.event.SplitEvent;
import dev.trafficmanager.event.SplitState;
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
 *
 * <p>Splits (schema_version 2) follow the same rules with their own revisions, kept in the {@code
 * split-state} store: a split key ({@code tenant/service/env}) never equals a route key.
 */
final class DedupeProcessor implements FixedKeyProcessor<String, Validation, Ordering> {
  private static final Logger log = LoggerFactory.getLogger(DedupeProcessor.class);

  private final long maxRevisionJump;
  private FixedKeyProcessorContext<String, Ordering> context;
  private KeyValueStore<String, RouteState> routeState;
  private KeyValueStore<String, SplitState> splitState;
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
    this.splitState = context.getStateStore(RouteTopology.SPLIT_STATE_STORE);
    this.staleDropped = PipelineMetrics.staleRevisionsDropped(context.metrics());
    this.revisionGaps = PipelineMetrics.revisionGaps(context.metrics());
    this.revisionJumpsRefused = PipelineMetrics.revisionJumpsRefused(context.metrics());
  }

  @Override
  public void process(FixedKeyRecord<String, Validation> record) {
    Validation valid = record.value();
    String correlationId =
        valid.isSplit() ? valid.split().correlationId() : valid.event().correlationId();
    try (MDC.MDCCloseable ignored =
        MDC.putCloseable(RouteTopology.MDC_CORRELATION_ID, correlationId)) {
      if (valid.isSplit()) {
        SplitEvent event = valid.split();
        SplitState previous = splitState.get(record.key());
        if (admits(record, previous == null ? 0 : previous.revision(), event.revision())) {
          splitState.put(record.key(), event.state());
          context.forward(record.withValue(Ordering.applied(SplitChange.of(event, previous))));
        }
        return;
      }
      RouteEvent event = valid.event();
      RouteState previous = routeState.get(record.key());
      if (admits(record, previous == null ? 0 : previous.revision(), event.revision())) {
        routeState.put(record.key(), event.state());
        context.forward(record.withValue(Ordering.applied(RouteChange.of(event, previous))));
      }
    }
  }

  /**
   * Whether the revision is to be applied; a stale one is dropped, a jump too far is forwarded to
   * the DLQ here.
   */
  private boolean admits(FixedKeyRecord<String, Validation> record, long applied, long revision) {
    if (revision <= applied) {
      staleDropped.record();
      log.debug(
          "dropped {} revision key={} revision={} applied_revision={}",
          revision == applied ? "duplicate" : "stale",
          record.key(),
          revision,
          applied);
      return false;
    }
    if (revision - applied > maxRevisionJump) {
      revisionJumpsRefused.record();
      log.warn(
          "revision jump refused, sent to the DLQ key={} applied_revision={} got={} max_jump={}",
          record.key(),
          applied,
          revision,
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
                              + revision
                              + ", more than "
                              + maxRevisionJump
                              + " ahead of the applied revision")))));
      return false;
    }
    if (revision > applied + 1) {
      revisionGaps.record();
      log.warn(
          "revision gap, applying the newer revision key={} expected={} got={}",
          record.key(),
          applied + 1,
          revision);
    }
    return true;
  }
}
