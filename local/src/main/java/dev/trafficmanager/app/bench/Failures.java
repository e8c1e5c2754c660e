package dev.trafficmanager.app.bench;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

/** Says in a few words why a request got no answer, for the report and error messages. */
final class Failures {
  private Failures() {}

  /**
   * {@code connection refused}, {@code unknown host}, {@code connect timed out}, {@code timed out},
   * or the exception's message (its class when it has none): the JDK's HTTP client throws {@link
   * ConnectException} without a message.
   */
  static String describe(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof UnresolvedAddressException) {
        return "unknown host";
      }
    }
    if (failure instanceof HttpConnectTimeoutException) {
      return "connect timed out";
    }
    if (failure instanceof HttpTimeoutException) {
      return "timed out";
    }
    if (failure instanceof ConnectException) {
      return failure.getMessage() == null ? "connection refused" : failure.getMessage();
    }
    return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
  }
}
