package dev.trafficmanager.api.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.trafficmanager.api.auth.NewToken;
import dev.trafficmanager.api.auth.Scope;
import dev.trafficmanager.api.auth.TokenIssuer;
import dev.trafficmanager.api.auth.TokenStore;
import dev.trafficmanager.api.auth.TokenView;
import dev.trafficmanager.http.Endpoints;
import dev.trafficmanager.http.JsonResponder;
import dev.trafficmanager.resilience.Compartment;
import dev.trafficmanager.resilience.Resilience;
import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.Violation;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Token management under {@code /api/v1/tokens}, for {@code admin} tokens only: {@code POST} makes
 * a token (201; the answer is the only place the token is ever shown), {@code GET} lists every
 * token without its secret, {@code DELETE /{id}} revokes one (204; 404 for an unknown id).
 *
 * <p>A request body must have exactly the fields {@code name}, {@code scopes}, {@code tenants} and
 * {@code expires_in} (the last two optional): a misspelt {@code expires_in} would otherwise make a
 * token that never expires.
 */
final class TokenEndpoints {
  static final String TOKENS = "/api/v1/tokens";
  private static final Set<String> FIELDS =
      Set.of(NewToken.NAME, NewToken.TENANTS, NewToken.SCOPES, NewToken.EXPIRES_IN);
  private static final Pattern ID = Pattern.compile("[1-9][0-9]{0,17}");

  private final TokenIssuer issuer;
  private final TokenStore store;
  private final Runnable revoked;
  private final Access access;
  private final Resilience resilience;
  private final JsonResponder json;
  private final ObjectReader strictJson;
  private final long maxBodyBytes;
  private final Clock clock;

  /**
   * @param revoked told after a token was revoked, so that this instance refuses it at once
   */
  TokenEndpoints(
      TokenIssuer issuer,
      TokenStore store,
      Runnable revoked,
      Access access,
      Resilience resilience,
      ObjectMapper mapper,
      long maxBodyBytes,
      Clock clock) {
    this.issuer = issuer;
    this.store = store;
    this.revoked = revoked;
    this.access = access;
    this.resilience = resilience;
    this.json = new JsonResponder(mapper);
    this.strictJson = RequestBody.strictReader(mapper);
    this.maxBodyBytes = maxBodyBytes;
    this.clock = clock;
  }

  void register(Endpoints endpoints) {
    endpoints.post(TOKENS, this::create);
    endpoints.get(TOKENS, this::list);
    endpoints.delete(TOKENS + "/{id}", this::revoke);
  }

  private void create(Context ctx) {
    access.require(ctx, Scope.ADMIN);
    NewToken request = parse(RequestBody.readJson(ctx, maxBodyBytes));
    json.send(ctx, 201, inBulkhead(Compartment.WRITES, () -> issuer.issue(request)));
  }

  private void list(Context ctx) {
    access.require(ctx, Scope.ADMIN);
    json.send(ctx, 200, new TokenList(inBulkhead(Compartment.READS, store::list)));
  }

  private void revoke(Context ctx) {
    access.require(ctx, Scope.ADMIN);
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()
        || !inBulkhead(
            Compartment.WRITES, () -> store.revoke(Long.parseLong(id), clock.instant()))) {
      throw new NotFoundResponse("no token has the id " + id);
    }
    revoked.run();
    ctx.status(204);
  }

  private NewToken parse(byte[] body) {
    JsonNode node;
    try {
      node = strictJson.readTree(body);
    } catch (IOException e) {
      throw new InvalidInputException("body", "must be valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw new InvalidInputException("body", "must be a JSON object");
    }
    List<Violation> violations = new ArrayList<>();
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        violations.add(new Violation(name, "is not a field of a token request"));
      }
    }
    String name = text(node, NewToken.NAME, violations);
    List<String> tenants = texts(node, NewToken.TENANTS, violations);
    List<String> scopes = texts(node, NewToken.SCOPES, violations);
    String expiresIn = text(node, NewToken.EXPIRES_IN, violations);
    if (!violations.isEmpty()) {
      throw new InvalidInputException(violations);
    }
    return NewToken.of(name, tenants, scopes, expiresIn);
  }

  private static String text(JsonNode body, String field, List<Violation> violations) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      violations.add(new Violation(field, "must be a string"));
      return null;
    }
    return value.textValue();
  }

  private static List<String> texts(JsonNode body, String field, List<Violation> violations) {
    JsonNode value = body.get(field);
    List<String> texts = new ArrayList<>();
    if (value == null || value.isNull()) {
      return texts;
    }
    if (!value.isArray()) {
      violations.add(new Violation(field, "must be an array of strings"));
      return texts;
    }
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        violations.add(new Violation(field, "must be an array of strings"));
        return texts;
      }
      texts.add(item.textValue());
    }
    return texts;
  }

  private <T> T inBulkhead(Compartment compartment, Supplier<T> work) {
    return resilience.bulkhead(compartment).executeSupplier(work);
  }

  private record TokenList(@JsonProperty("items") List<TokenView> items) {}
}
