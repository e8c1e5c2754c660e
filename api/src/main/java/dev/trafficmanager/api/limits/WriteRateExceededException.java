package dev.trafficmanager.api.limits;

import io.javalin.http.HttpResponseException;

/** A write refused because its tenant is over its write rate: answered 429. */
public final class WriteRateExceededException extends HttpResponseException {
  private static final long serialVersionUID = 1L;

  WriteRateExceededException(String tenant, WriteRate rate, long retryAfterSeconds) {
    super(
        429,
        "tenant "
            + tenant
            + " is over its write rate limit ("
            + rate
            + "), retry after "
            + retryAfterSeconds
            + " s");
  }
}
