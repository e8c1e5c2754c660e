package dev.trafficmanager.api.auth;

import dev.trafficmanager.database.DatabaseSettings;
import java.security.MessageDigest;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * Every statement on {@code api_tokens}. It runs its statements through the {@link Handles} it is
 * given: the API's {@code Database} (behind the PostgreSQL breaker and retry budget) or, for the
 * {@code tokens} command, a plain connection.
 */
public final class TokenStore implements TokenLookup {
  /** Runs a callback on a handle: {@code Database::withHandle}, {@code Jdbi::withHandle}. */
  public interface Handles {
    <T> T withHandle(HandleCallback<T, RuntimeException> callback);
  }

  private static final String COLUMNS =
      "id, name, tenants, scopes, created_at, expires_at, revoked_at, last_used_at";

  private final Handles handles;

  public TokenStore(Handles handles) {
    this.handles = handles;
  }

  /**
   * A store that opens a connection of its own for each call, without a pool or breaker: for a
   * command or {@code local}, which make a few calls, not for a service.
   */
  public static TokenStore connect(DatabaseSettings database) {
    return new TokenStore(
        Jdbi.create(database.url(), database.user(), database.password())::withHandle);
  }

  /** Stores a token by its hash and returns what it stored. */
  public TokenView insert(NewToken token, byte[] hash, Instant now) {
    Instant expires = token.lifetime().map(now::plus).orElse(null);
    return handles.withHandle(
        h ->
            h.createQuery(
                    "INSERT INTO api_tokens (name, tenants, scopes, token_hash, created_at,"
                        + " expires_at) VALUES (:name, :tenants, :scopes, :hash, :now, :expires)"
                        + " RETURNING "
                        + COLUMNS)
                .bind("name", token.name())
                .bindArray("tenants", String.class, token.tenants())
                .bindArray(
                    "scopes", String.class, token.scopes().stream().map(Scope::wireName).toList())
                .bind("hash", hash)
                .bind("now", Timestamp.from(now))
                .bind("expires", expires == null ? null : Timestamp.from(expires))
                .map((rs, ctx) -> view(rs))
                .one());
  }

  /** Every token, revoked and expired ones too, oldest first. */
  public List<TokenView> list() {
    return handles.withHandle(
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM api_tokens ORDER BY id")
                .map((rs, ctx) -> view(rs))
                .list());
  }

  /**
   * The token whose hash this is. The row is found by the unique index; its hash is compared once
   * more in constant time, so no answer depends on how much of a hash matched.
   */
  @Override
  public Optional<TokenView> find(byte[] hash) {
    return handles.withHandle(
        h ->
            h.createQuery(
                    "SELECT " + COLUMNS + ", token_hash FROM api_tokens WHERE token_hash = :hash")
                .bind("hash", hash)
                .map(
                    (rs, ctx) ->
                        MessageDigest.isEqual(rs.getBytes("token_hash"), hash)
                            ? Optional.of(view(rs))
                            : Optional.<TokenView>empty())
                .findFirst()
                .flatMap(found -> found));
  }

  /**
   * Revokes a token (a revoked one stays revoked at its first time).
   *
   * @return false when there is no token {@code id}
   */
  public boolean revoke(long id, Instant now) {
    return handles.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, :now)"
                            + " WHERE id = :id")
                    .bind("now", Timestamp.from(now))
                    .bind("id", id)
                    .execute())
        > 0;
  }

  @Override
  public void touch(long id, Instant now) {
    handles.withHandle(
        h ->
            h.createUpdate(
                    "UPDATE api_tokens SET last_used_at = :now WHERE id = :id"
                        + " AND (last_used_at IS NULL OR last_used_at < :now)")
                .bind("now", Timestamp.from(now))
                .bind("id", id)
                .execute());
  }

  private static TokenView view(ResultSet rs) throws SQLException {
    return new TokenView(
        rs.getLong("id"),
        rs.getString("name"),
        strings(rs.getArray("tenants")),
        strings(rs.getArray("scopes")),
        instant(rs, "created_at"),
        instant(rs, "expires_at"),
        instant(rs, "revoked_at"),
        instant(rs, "last_used_at"));
  }

  private static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of() : List.of((String[]) array.getArray());
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp time = rs.getTimestamp(column);
    return time == null ? null : time.toInstant();
  }
}
