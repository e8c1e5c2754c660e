package dev.trafficmanager.processor;

import dev.trafficmanager.topic.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Turns a refused record back into the bytes and key it arrived with, keeping its headers and
 * adding the contract's {@code dlq-*} headers: where it came from and why it was refused. A header
 * the record already had under a {@code dlq-*} name (a DLQ record replayed onto the input) is
 * replaced, so the headers always describe the latest failure.
 */
final class DeadLetterProcessor implements FixedKeyProcessor<String, Validation, byte[]> {
  private FixedKeyProcessorContext<String, byte[]> context;

  @Override
  public void init(FixedKeyProcessorContext<String, byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, Validation> record) {
    RuntimeException error = record.value().error();
    Headers headers = new RecordHeaders(record.headers().toArray());
    // Present for every record read from a topic, which is all this sub-topology processes.
    context
        .recordMetadata()
        .ifPresent(
            source -> {
              replace(headers, EventHeaders.DLQ_ORIGINAL_TOPIC, source.topic());
              replace(
                  headers, EventHeaders.DLQ_ORIGINAL_PARTITION, String.valueOf(source.partition()));
              replace(headers, EventHeaders.DLQ_ORIGINAL_OFFSET, String.valueOf(source.offset()));
            });
    replace(headers, EventHeaders.DLQ_EXCEPTION_CLASS, error.getClass().getName());
    replace(
        headers,
        EventHeaders.DLQ_EXCEPTION_MESSAGE,
        Objects.requireNonNullElse(error.getMessage(), ""));
    context.forward(record.withValue(record.value().original()).withHeaders(headers));
  }

  private static void replace(Headers headers, String name, String value) {
    headers.remove(name).add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
