package dev.trafficmanager.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trafficmanager.api.auth.Caller;
import dev.trafficmanager.api.idempotency.IdempotencyKey;
import dev.trafficmanager.api.idempotency.IdempotentRequest;
import dev.trafficmanager.api.idempotency.RequestFingerprint;
import dev.trafficmanager.api.routes.WriteContext;
import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteRules;
import dev.trafficmanager.route.Violation;
import dev.trafficmanager.split.SplitAssignment;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One write request read from HTTP: its headers ({@code X-Actor}, {@code Idempotency-Key}) and its
 * JSON object body. Every problem found is collected so that {@link #requireValid()} reports them
 * all in one 400. Unknown body fields are ignored.
 *
 * <p>The actor is the caller's token name. Only while authentication is off, when there is no
 * token, does the caller name itself with {@code X-Actor} (else {@code anonymous}); the header is
 * checked either way, so a bad one is a 400 whatever the setting.
 */
final class WriteRequest {
  static final String ACTOR_HEADER = "X-Actor";
  static final String DEFAULT_ACTOR = "anonymous";
  private static final String BODY = "body";

  private final List<Violation> violations = new ArrayList<>();
  private final Context ctx;
  private final ObjectNode body;
  private final String actor;
  private final Optional<IdempotentRequest> idempotentRequest;
  private final boolean allowPrivateUrls;

  private WriteRequest(
      Context ctx,
      Caller caller,
      ObjectReader json,
      boolean allowPrivateUrls,
      long maxBodyBytes,
      boolean bodyless) {
    this.ctx = ctx;
    this.allowPrivateUrls = allowPrivateUrls;
    // A DELETE says all in its path: no body, and then no Content-Type to check (a DELETE is never
    // a "simple" request a web page could send across origins without a preflight).
    byte[] bytes =
        bodyless && ctx.header("Content-Type") == null && ctx.req().getContentLengthLong() <= 0
            ? new byte[0]
            : RequestBody.readJson(ctx, maxBodyBytes);
    String declared = readActor(ctx.header(ACTOR_HEADER));
    this.actor = caller.authenticated() ? caller.name() : declared;
    this.idempotentRequest = readIdempotencyKey(ctx, caller, bytes);
    this.body = bodyless && bytes.length == 0 ? null : readBody(json, bytes);
  }

  /**
   * @throws io.javalin.http.UnsupportedMediaTypeResponse unless the body is declared JSON
   * @throws io.javalin.http.ContentTooLargeResponse when the body is over {@code maxBodyBytes}
   */
  static WriteRequest read(
      Context ctx, Caller caller, ObjectReader json, boolean allowPrivateUrls, long maxBodyBytes) {
    return new WriteRequest(ctx, caller, json, allowPrivateUrls, maxBodyBytes, false);
  }

  /** A write whose path says it all (a DELETE): its body may be left out, with its Content-Type. */
  static WriteRequest readBodyless(
      Context ctx, Caller caller, ObjectReader json, boolean allowPrivateUrls, long maxBodyBytes) {
    return new WriteRequest(ctx, caller, json, allowPrivateUrls, maxBodyBytes, true);
  }

  /** A route name part from the body; null (with a violation) when missing or invalid. */
  String name(String field) {
    return field(field, false);
  }

  /**
   * The URL from the body; null (with a violation) when missing, invalid or, unless the server
   * allows it, pointing at a private address.
   */
  String url(String field) {
    return field(field, true);
  }

  /**
   * A split's weights from the body: an object of at least one version name to a whole number from
   * 0 to 100, summing to 100; null (with a violation naming each problem) otherwise.
   */
  Map<String, Integer> weights(String field) {
    if (body == null) {
      return null;
    }
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      violations.add(new Violation(field, "is required"));
      return null;
    }
    if (!node.isObject() || node.isEmpty()) {
      violations.add(
          new Violation(
              field, "must be an object of version to weight, e.g. {\"v1\":90,\"v2\":10}"));
      return null;
    }
    Map<String, Integer> weights = new TreeMap<>();
    int before = violations.size();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String path = field + "." + entry.getKey();
      RouteRules.checkName(path, entry.getKey()).ifPresent(violations::add);
      JsonNode weight = entry.getValue();
      if (!weight.isIntegralNumber()
          || weight.asLong() < 0
          || weight.asLong() > SplitAssignment.BUCKETS) {
        violations.add(
            new Violation(path, "must be a whole number from 0 to " + SplitAssignment.BUCKETS));
      } else {
        weights.put(entry.getKey(), weight.intValue());
      }
    }
    if (violations.size() > before) {
      return null;
    }
    int sum = weights.values().stream().mapToInt(Integer::intValue).sum();
    if (sum != SplitAssignment.BUCKETS) {
      violations.add(
          new Violation(field, "must sum to " + SplitAssignment.BUCKETS + ", not " + sum));
      return null;
    }
    return weights;
  }

  /** A route name part from the path; null (with a violation) when invalid. */
  String pathName(String param) {
    String value = ctx.pathParam(param);
    RouteRules.checkName(param, value).ifPresent(violations::add);
    return value;
  }

  /**
   * @throws InvalidInputException naming every bad header and field seen so far
   */
  void requireValid() {
    if (!violations.isEmpty()) {
      throw new InvalidInputException(violations);
    }
  }

  WriteContext context() {
    return new WriteContext(actor, CorrelationIds.of(ctx), idempotentRequest);
  }

  private String field(String field, boolean isUrl) {
    if (body == null) {
      return null; // the body's own violation says it all
    }
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      violations.add(new Violation(field, "is required"));
      return null;
    }
    if (!node.isTextual()) {
      violations.add(new Violation(field, "must be a string"));
      return null;
    }
    String value = node.textValue();
    (isUrl
            ? RouteRules.checkUrl(field, value)
                .or(() -> RouteRules.checkTarget(field, value, allowPrivateUrls))
            : RouteRules.checkName(field, value))
        .ifPresent(violations::add);
    return value;
  }

  private String readActor(String header) {
    if (header == null) {
      return DEFAULT_ACTOR;
    }
    Optional<Violation> violation = RouteRules.checkActor(ACTOR_HEADER, header);
    violation.ifPresent(violations::add);
    return violation.isPresent() ? DEFAULT_ACTOR : header;
  }

  private Optional<IdempotentRequest> readIdempotencyKey(Context ctx, Caller caller, byte[] bytes) {
    String header = ctx.header(IdempotencyKey.HEADER);
    if (header == null) {
      return Optional.empty();
    }
    try {
      IdempotencyKey key = new IdempotencyKey(header);
      return Optional.of(
          new IdempotentRequest(
              key,
              RequestFingerprint.of(ctx.method().name(), ctx.path(), bytes),
              caller.tokenId()));
    } catch (InvalidInputException e) {
      violations.addAll(e.violations());
      return Optional.empty();
    }
  }

  private ObjectNode readBody(ObjectReader json, byte[] bytes) {
    if (bytes.length == 0) {
      violations.add(new Violation(BODY, "must be a JSON object"));
      return null;
    }
    JsonNode node;
    try {
      node = json.readTree(bytes);
    } catch (IOException e) {
      violations.add(new Violation(BODY, "must be valid JSON"));
      return null;
    }
    if (node == null || !node.isObject()) {
      violations.add(new Violation(BODY, "must be a JSON object"));
      return null;
    }
    return (ObjectNode) node;
  }
}
