package dev.trafficmanager.consumers.runner;

/**
 * A record the runner could not turn into a {@code RouteChange}: no value, JSON that breaks the
 * contract, an unknown action or an invalid route key. Retrying it can never succeed.
 */
public final class UnreadableRecordException extends NonRetriableException {
  public UnreadableRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
