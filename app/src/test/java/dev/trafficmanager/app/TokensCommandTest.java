package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.api.ApiService;
import dev.trafficmanager.api.auth.AuthSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code tokens create|list|revoke} against PostgreSQL directly: the first token of a database no
 * service has migrated yet, used against a running API, listed without its secret, and revoked.
 */
@ExtendWith(SharedServers.class)
class TokensCommandTest {
  private static final String ROUTE =
      """
      {"tenant":"%s","service":"checkout","env":"prod","version":"v1",\
      "url":"https://checkout.example/v1"}""";

  @Test
  void aTokenMadeByTheJarWorksUntilItIsRevoked(TestEnvironment env) throws Exception {
    // No TTL: the revocation is seen by the next request, so the test need not wait for it.
    Settings settings = env.with(Map.of(AuthSettings.AUTH_CACHE_TTL, "0s"));
    OperatorCli.Run created =
        OperatorCli.run(
            settings,
            "tokens",
            "create",
            "--tenant",
            "acme",
            "--scope",
            "routes:write,routes:read",
            "--name",
            "deploy-bot",
            "--expires",
            "90d");

    assertThat(created.exitCode()).as(created.toString()).isZero();
    String token = created.out().strip();
    assertThat(token).matches("tm_[A-Za-z0-9_-]{43}");
    assertThat(created.err()).contains("deploy-bot").contains("routes:write,routes:read for acme");
    Matcher id = Pattern.compile("Made token (\\d+)").matcher(created.err());
    assertThat(id.find()).isTrue();

    OperatorCli.Run listed = OperatorCli.run(settings, "tokens", "list");
    assertThat(listed.exitCode()).isZero();
    assertThat(listed.out()).contains("deploy-bot").contains("active").doesNotContain(token);

    try (ApiService api = new ApiService(settings)) {
      api.start();
      String routes = "http://localhost:" + api.httpPort() + "/api/v1/routes";
      LocalHttp bot = new LocalHttp(token);
      assertThat(bot.post(routes, ROUTE.formatted("acme")).statusCode()).isEqualTo(201);
      assertThat(bot.post(routes, ROUTE.formatted("globex")).statusCode()).isEqualTo(403);

      OperatorCli.Run revoked = OperatorCli.run(settings, "tokens", "revoke", id.group(1));
      assertThat(revoked.exitCode()).as(revoked.toString()).isZero();
      assertThat(bot.post(routes, ROUTE.formatted("acme")).statusCode()).isEqualTo(401);
    }
    assertThat(OperatorCli.run(settings, "tokens", "list").out()).contains("revoked");
  }

  @Test
  void badUsageNamesTheOptionAndMakesNothing(TestEnvironment env) {
    OperatorCli.Run badScope =
        OperatorCli.run(
            env.settings(), "tokens", "create", "--scope", "routes:delete", "--name", "x");
    OperatorCli.Run adminWithTenant =
        OperatorCli.run(
            env.settings(),
            "tokens",
            "create",
            "--scope",
            "admin",
            "--tenant",
            "acme",
            "--name",
            "x");
    OperatorCli.Run unknown = OperatorCli.run(env.settings(), "tokens", "revoke", "999");

    assertThat(badScope.exitCode()).isEqualTo(2);
    assertThat(badScope.err()).contains("--scope").contains("routes:delete");
    assertThat(adminWithTenant.exitCode()).isEqualTo(2);
    assertThat(adminWithTenant.err()).contains("--tenant");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("No token has the id 999");
    assertThat(OperatorCli.run(env.settings(), "tokens", "list").out()).doesNotContain(" x ");
  }
}
