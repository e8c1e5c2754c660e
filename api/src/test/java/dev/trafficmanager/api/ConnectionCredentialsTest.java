package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The API against the test run's PostgreSQL and Redis, which both require a password: the right one
 * works, a wrong or missing one is a clear error that never shows the password.
 */
@ExtendWith(SharedServers.class)
class ConnectionCredentialsTest {
  private static final String WRONG = "wrong-secret-4711";

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void captureLogs() {
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    root.detachAppender(logs);
  }

  @Test
  void withTheRightPasswordsEverythingConnectsAndNoPasswordIsShownAnywhere(TestEnvironment env) {
    String redisPassword = env.redis().url().replaceFirst("^.*//[^:@/]*:([^@/]+)@.*$", "$1");
    String dbPassword = env.database().password();
    assertThat(env.redis().url()).as("the test run's Redis requires a password").contains("@");
    assertThat(dbPassword).as("the test run's PostgreSQL requires a password").isNotEmpty();
    try (RunningApi running = RunningApi.start(env.settings())) {
      await("redis is up")
          .atMost(Duration.ofSeconds(30))
          .until(() -> redis(running).path("status").asText().equals("up"));
      running
          .client()
          .post(
              "/api/v1/routes", ApiClient.route("acme", "pw", "prod", "v1", "https://a.example/"));
      String exposed =
          running.client().get("/health/ready").body()
              + running.client().get("/health/resilience").body()
              + running.client().get("/metrics").body()
              + running.client().get("/api/v1/routes/nope/pw/prod/v1").body();

      assertThat(exposed).doesNotContain(redisPassword).doesNotContain(dbPassword);
    }
    assertThat(logText()).doesNotContain(redisPassword).doesNotContain(dbPassword);
  }

  @Test
  void aWrongRedisPasswordIsNamedOnHealthWithoutThePassword(TestEnvironment env) {
    String url = withPassword(env.redis().url(), WRONG);
    try (RunningApi running = RunningApi.start(env.with(Map.of(RedisSettings.URL, url)))) {
      awaitRedisDown(running, "Redis refused the password of TM_REDIS_URL (WRONGPASS)");
      assertThat(running.client().get("/health/ready").body()).doesNotContain(WRONG);
      assertThat(running.client().get("/metrics").body()).doesNotContain(WRONG);
    }
    assertThat(logText()).doesNotContain(WRONG);
  }

  @Test
  void aMissingRedisPasswordIsNamedOnHealth(TestEnvironment env) {
    String url = env.redis().url().replaceFirst("//[^@/]*@", "//");
    try (RunningApi running = RunningApi.start(env.with(Map.of(RedisSettings.URL, url)))) {
      awaitRedisDown(running, "Redis requires a password and TM_REDIS_URL gives none (NOAUTH)");
    }
  }

  @Test
  void aWrongPostgresPasswordStopsTheStartNamingTheUserNotThePassword(TestEnvironment env) {
    assertThat(env.database().password()).as("the test run's PostgreSQL").isNotEmpty();
    ApiService api = new ApiService(env.with(Map.of(DatabaseSettings.PASSWORD, WRONG)));

    assertThatThrownBy(api::start)
        .hasStackTraceContaining("password authentication failed for user")
        .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(WRONG));
    assertThat(logText()).doesNotContain(WRONG);
  }

  @Test
  void sslmodeInTheDatabaseUrlReachesTheDriver(TestEnvironment env) throws Exception {
    // The test server has no TLS: a URL that requires it is refused by the driver, which shows
    // the parameter reached it, on the pool (and so Flyway) and on a plain connection (the
    // operator commands and the relay's session).
    String url = env.database().url() + (env.database().url().contains("?") ? "&" : "?");
    DatabaseSettings required =
        DatabaseSettings.from(env.with(Map.of(DatabaseSettings.URL, url + "sslmode=require")));
    DatabaseSettings disabled =
        DatabaseSettings.from(env.with(Map.of(DatabaseSettings.URL, url + "sslmode=disable")));

    assertThatThrownBy(
            () ->
                new ApiService(env.with(Map.of(DatabaseSettings.URL, url + "sslmode=require")))
                    .start())
        .hasStackTraceContaining("does not support SSL");
    assertThatThrownBy(() -> required.connect("ssl-test").close())
        .hasStackTraceContaining("does not support SSL");
    try (var connection = disabled.connect("ssl-test")) {
      assertThat(connection.isValid(5)).isTrue();
    }
  }

  private static void awaitRedisDown(RunningApi running, String error) {
    // The first attempt may time out before Redis answers it on a busy machine; the next says why.
    await("redis is down, saying why")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode redis = redis(running);
              assertThat(redis.path("status").asText()).isEqualTo("down");
              assertThat(redis.path("error").asText()).isEqualTo(error);
            });
  }

  private static JsonNode redis(RunningApi running) {
    return RunningApi.component(running.client().get("/health/ready").json(), "redis");
  }

  private static String withPassword(String url, String password) {
    String bare = url.replaceFirst("//[^@/]*@", "//");
    return bare.replaceFirst("//", "//:" + password + "@");
  }

  private String logText() {
    StringBuilder text = new StringBuilder();
    for (ILoggingEvent event : logs.list) {
      text.append(event.getFormattedMessage()).append('\n');
      if (event.getThrowableProxy() != null) {
        text.append(event.getThrowableProxy().getMessage()).append('\n');
      }
    }
    return text.toString();
  }

  private static String stackTrace(Throwable e) {
    java.io.StringWriter out = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }
}
