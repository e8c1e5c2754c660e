package dev.trafficmanager.api.http;

import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteRules;
import io.javalin.http.Context;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.MDC;

/**
 * Gives every request a correlation id: the caller's {@code X-Correlation-ID} when valid, a new
 * UUID when absent. It is returned on every response and sits in the logging MDC (key {@code
 * correlation_id}) while the request runs.
 */
final class CorrelationIds {
  static final String HEADER = "X-Correlation-ID";
  static final String MDC_KEY = "correlation_id";
  private static final String ATTRIBUTE = "tm.correlation_id";
  private static final String INVALID = "tm.correlation_id_invalid";

  private CorrelationIds() {}

  /**
   * Before every request: the caller's id if valid, else a fresh one (and the caller's is
   * remembered as invalid for {@link #rejectInvalid}).
   */
  static void assign(Context ctx) {
    String given = ctx.header(HEADER);
    boolean valid = given != null && RouteRules.CORRELATION_ID.matcher(given).matches();
    String id = valid ? given : newId();
    ctx.attribute(ATTRIBUTE, id);
    ctx.header(HEADER, id);
    MDC.put(MDC_KEY, id);
    if (given != null && !valid) {
      ctx.attribute(INVALID, true);
    }
  }

  /**
   * Before every request that matched an endpoint.
   *
   * @throws InvalidInputException naming the header when the caller's id broke the rule (the
   *     response carries the fresh id)
   */
  static void rejectInvalid(Context ctx) {
    if (ctx.attribute(INVALID) != null) {
      throw new InvalidInputException(HEADER, RouteRules.CORRELATION_ID_RULE);
    }
  }

  /** After every request, so the next request on this thread starts clean. */
  static void release(Context ctx) {
    MDC.remove(MDC_KEY);
  }

  /**
   * A random (version 4) UUID. Not {@link UUID#randomUUID()}: it draws from one process-wide
   * SecureRandom whose lock every request thread queued on under load, and an id that correlates
   * log lines needs to be unique, not unpredictable.
   */
  static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
    return new UUID(high, low).toString();
  }

  static String of(Context ctx) {
    String id = ctx.attribute(ATTRIBUTE);
    return id == null ? "" : id;
  }
}
