package dev.trafficmanager.consumers.runner;

/**
 * A failure that no retry can cure: the record itself is at fault (it cannot be read, or its
 * content breaks a rule of the sink). The {@link ConsumerRunner} dead-letters the record at once
 * instead of retrying it. Handlers throw it, wrapping the sink's error, when they can tell.
 */
public class NonRetriableException extends RuntimeException {
  public NonRetriableException(String message, Throwable cause) {
    super(message, cause);
  }
}
