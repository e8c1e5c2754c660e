package dev.trafficmanager.api.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A token as listed: everything about it but the token and its hash. A null time is one that has
 * not happened ({@code expires_at} null: never expires).
 */
@JsonPropertyOrder({
  "id",
  "name",
  "tenants",
  "scopes",
  "created_at",
  "expires_at",
  "revoked_at",
  "last_used_at"
})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TokenView(
    @JsonProperty("id") long id,
    @JsonProperty("name") String name,
    @JsonProperty("tenants") List<String> tenants,
    @JsonProperty("scopes") List<String> scopes,
    @JsonProperty("created_at") Instant createdAt,
    @JsonProperty("expires_at") Instant expiresAt,
    @JsonProperty("revoked_at") Instant revokedAt,
    @JsonProperty("last_used_at") Instant lastUsedAt) {
  public TokenView {
    tenants = List.copyOf(tenants);
    scopes = List.copyOf(scopes);
  }

  /** Why this token is refused at {@code now}, if it is: revoked or expired. */
  public Optional<String> refusal(Instant now) {
    if (revokedAt != null) {
      return Optional.of("the token was revoked");
    }
    if (expiresAt != null && !now.isBefore(expiresAt)) {
      return Optional.of("the token has expired");
    }
    return Optional.empty();
  }

  /** The caller this token makes. Unknown scope names (from a newer version) grant nothing. */
  public Caller caller() {
    Set<Scope> known =
        scopes.stream()
            .map(Scope::parse)
            .flatMap(Optional::stream)
            .collect(Collectors.toUnmodifiableSet());
    return new Caller(name, known, Set.copyOf(tenants), OptionalLong.of(id));
  }
}
