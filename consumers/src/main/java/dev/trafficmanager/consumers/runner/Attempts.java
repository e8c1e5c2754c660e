package dev.trafficmanager.consumers.runner;

/**
 * One record's history on this consumer.
 *
 * @param made attempts made: handler calls that failed for it, or the read that failed
 * @param waits backoff waits so far, the exponent of the next one
 */
record Attempts(int made, int waits) {
  static final Attempts NONE = new Attempts(0, 0);

  Attempts failed() {
    return new Attempts(made + 1, waits + 1);
  }

  Attempts waited() {
    return new Attempts(made, waits + 1);
  }
}
