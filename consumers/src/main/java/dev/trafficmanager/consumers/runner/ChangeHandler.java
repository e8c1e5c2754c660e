package dev.trafficmanager.consumers.runner;

import dev.trafficmanager.event.RouteChange;

/**
 * The side effect of one consumer: what it does with one change read from {@code route-changes}.
 *
 * <p>The {@link ConsumerRunner} calls it on its consumer thread, one record at a time in offset
 * order per partition, with the change's correlation id in the SLF4J MDC under {@code
 * correlation_id}. Returning normally means the effect is done: the record's offset may be
 * committed. Throwing means it is not: the runner commits nothing past the record and either hands
 * it back later or, for a {@link NonRetriableException}, dead-letters it at once.
 *
 * <p>Delivery is at least once, and a replay hands a handler changes it has applied before, so an
 * implementation must be idempotent by revision: it applies a change only if it is newer than what
 * the sink already holds, and it keeps that knowledge in the sink itself, where the effect lives.
 */
@FunctionalInterface
public interface ChangeHandler {
  void handle(RouteChange change);
}
