package dev.trafficmanager.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.Violation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NewTokenTest {
  @Test
  void aTenantTokenWithALifetime() {
    NewToken token =
        NewToken.of("deploy-bot", List.of("acme", "beta"), List.of("routes:write"), "90d");

    assertThat(token.scopes()).containsExactly(Scope.ROUTES_WRITE);
    assertThat(token.tenants()).containsExactly("acme", "beta");
    assertThat(token.lifetime()).contains(Duration.ofDays(90));
  }

  @Test
  void anAdminTokenThatNeverExpires() {
    NewToken token = NewToken.of("ops", List.of(), List.of("admin"), null);

    assertThat(token.scopes()).containsExactly(Scope.ADMIN);
    assertThat(token.lifetime()).isEqualTo(Optional.empty());
  }

  @Test
  void everyBadFieldIsNamed() {
    assertThat(fields(null, List.of("Acme", "acme", "acme"), List.of("routes:delete"), "1y"))
        .contains("name", "tenants", "scopes", "expires_in");
    assertThat(fields("x", List.of(), List.of("routes:write"), null)).containsExactly("tenants");
    assertThat(fields("x", List.of("acme"), List.of("admin"), null)).containsExactly("tenants");
    assertThat(fields("x", List.of(), List.of("admin", "audit:read"), null))
        .containsExactly("scopes");
    assertThat(fields("x", List.of(), List.of(), null)).containsExactly("scopes");
    assertThat(fields("x", List.of(), List.of("admin"), "3651d")).containsExactly("expires_in");
    assertThat(fields("x", List.of(), List.of("admin"), "0d")).containsExactly("expires_in");
  }

  private static List<String> fields(
      String name, List<String> tenants, List<String> scopes, String expiresIn) {
    try {
      NewToken.of(name, tenants, scopes, expiresIn);
    } catch (InvalidInputException e) {
      return e.violations().stream().map(Violation::field).toList();
    }
    throw new AssertionError("no violation");
  }
}
