package dev.trafficmanager.consumers.runner;

import dev.trafficmanager.event.RouteChange;

/**
 * The side effect of one consumer: what it does with one change read from {@code route-changes}.
 *
 * <p>The {@link ConsumerRunner} calls it on its consumer thread, one record at a time in offset
 * order per partition, with the change's correlation id in the SLF4J MDC under {@code
 * correlation_id}. Returning normally means the effect is done: the record's offset may be
 * committed. Throwing means it is not: the runner commits nothing past the record and hands it back
 * again later. Delivery is at least once, so an implementation must be idempotent.
 */
@FunctionalInterface
public interface ChangeHandler {
  void handle(RouteChange change);
}
