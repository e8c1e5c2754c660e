package dev.trafficmanager.consumers.runner;

import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.SplitChange;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.MDC;

/**
 * The side effect of one consumer: what it does with the changes read from {@code route-changes}, a
 * batch at a time.
 *
 * <p>The {@link ConsumerRunner} calls it on its consumer thread with the changes of one poll, in
 * offset order per partition (changes of several partitions may share a batch; they concern
 * different routes). The handler applies them <b>in list order</b> and returns how many of them, a
 * prefix of the list, are applied, with the failure of the first one that is not: {@link
 * BatchResult#applied()} changes are done and their offsets may be committed; the change at that
 * index failed with {@link BatchResult#failure()}, and the runner treats it as it treats any failed
 * record (retry after a backoff, wait for the sink, or dead-letter it: a {@link
 * NonRetriableException} is dead-lettered at once). The changes after it are not counted as
 * applied: the runner hands the ones of other partitions back in a later batch, and those of the
 * failed change's partition only once the failed change is settled. A handler that throws instead
 * of returning applied none of the batch, as far as the runner knows.
 *
 * <p>A handler that pipelines its effects may already have sent those of changes after the failed
 * one, since a pipeline cannot take back what it sent; they are applied again later. Delivery is at
 * least once anyway, and a replay hands a handler changes it has applied before, so an
 * implementation must be idempotent by revision: it applies a change only if it is newer than what
 * the sink already holds, and it keeps that knowledge in the sink itself, where the effect lives.
 *
 * <p>No correlation id is in the SLF4J MDC during the call (a batch has many); the runner puts the
 * failed change's id there for every line it logs about it, and {@link #oneAtATime} puts each
 * change's id there while it applies it.
 */
@FunctionalInterface
public interface ChangeHandler {

  /**
   * Applies the changes in order, stopping at the first that fails.
   *
   * @param changes at least one change
   */
  BatchResult apply(List<RouteChange> changes);

  /**
   * Applies split changes (schema_version 2) in order, under the same rules as {@link #apply}. A
   * handler built for route changes alone keeps this default, which skips them: they are settled
   * (their offsets committed) as applied, never dead-lettered, so a consumer written for version 1
   * keeps working on a change stream that carries splits.
   *
   * @param changes at least one split change
   */
  default BatchResult applySplits(List<SplitChange> changes) {
    return BatchResult.all(changes.size());
  }

  /**
   * A handler that applies each change by itself, in order, with the change's correlation id in the
   * MDC under {@link ConsumerRunner#CORRELATION_ID}; the first change whose effect throws ends the
   * batch.
   */
  static ChangeHandler oneAtATime(Consumer<RouteChange> effect) {
    return changes -> {
      for (int i = 0; i < changes.size(); i++) {
        RouteChange change = changes.get(i);
        String previous = MDC.get(ConsumerRunner.CORRELATION_ID);
        if (change.correlationId() != null) {
          MDC.put(ConsumerRunner.CORRELATION_ID, change.correlationId());
        }
        try {
          effect.accept(change);
        } catch (RuntimeException e) {
          return BatchResult.failedAt(i, e);
        } finally {
          if (previous == null) {
            MDC.remove(ConsumerRunner.CORRELATION_ID);
          } else {
            MDC.put(ConsumerRunner.CORRELATION_ID, previous);
          }
        }
      }
      return BatchResult.all(changes.size());
    };
  }
}
