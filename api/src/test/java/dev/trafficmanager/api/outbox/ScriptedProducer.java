package dev.trafficmanager.api.outbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A transactional {@link MockProducer} whose records complete only on flush, failing those the
 * script says. Closing it counts the close and leaves it usable, so that a relay that replaces its
 * producer after a failure gets this one back and the test sees every transaction in {@link
 * #history()}.
 */
final class ScriptedProducer extends MockProducer<String, byte[]> {
  private final Deque<ProducerRecord<String, byte[]>> pending = new ArrayDeque<>();

  /** Records that time out in flight: Kafka unreachable. */
  Predicate<ProducerRecord<String, byte[]>> failsInFlight = r -> false;

  /** Records that {@code send} fails at once with {@link #rejection}. */
  Predicate<ProducerRecord<String, byte[]>> rejectAtSend = r -> false;

  RuntimeException rejection = new RecordTooLargeException("too large");
  boolean answers = true;
  int sendAttempts;
  int closes;

  ScriptedProducer() {
    super(false, null, new StringSerializer(), new ByteArraySerializer());
    initTransactions();
  }

  @Override
  public synchronized Future<RecordMetadata> send(
      ProducerRecord<String, byte[]> record, Callback callback) {
    sendAttempts++;
    if (rejectAtSend.test(record)) {
      return CompletableFuture.failedFuture(rejection);
    }
    pending.add(record);
    return super.send(record, callback);
  }

  @Override
  public synchronized void flush() {
    while (answers && !pending.isEmpty()) {
      if (failsInFlight.test(pending.poll())) {
        errorNext(new TimeoutException("delivery timeout"));
      } else {
        completeNext();
      }
    }
  }

  @Override
  public void abortTransaction() {
    pending.clear();
    super.abortTransaction();
  }

  @Override
  public void close(Duration timeout) {
    closes++;
  }
}
