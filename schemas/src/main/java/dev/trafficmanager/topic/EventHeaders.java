package dev.trafficmanager.topic;

/** Kafka header names of the contract. Values are UTF-8 strings. */
public final class EventHeaders {
  public static final String CORRELATION_ID = "correlation-id";
  public static final String EVENT_TYPE = "event-type";

  /** On dead-letter records: where the record came from and why it could not be processed. */
  public static final String DLQ_ORIGINAL_TOPIC = "dlq-original-topic";

  public static final String DLQ_ORIGINAL_PARTITION = "dlq-original-partition";
  public static final String DLQ_ORIGINAL_OFFSET = "dlq-original-offset";
  public static final String DLQ_EXCEPTION_CLASS = "dlq-exception-class";
  public static final String DLQ_EXCEPTION_MESSAGE = "dlq-exception-message";
  public static final String DLQ_ATTEMPTS = "dlq-attempts";

  private EventHeaders() {}
}
