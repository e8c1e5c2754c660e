package dev.trafficmanager.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.api.idempotency.IdempotencyKey;
import dev.trafficmanager.api.idempotency.IdempotencyKeyReusedException;
import dev.trafficmanager.api.resilience.Circuits;
import dev.trafficmanager.api.routes.RouteConflictException;
import dev.trafficmanager.api.routes.RouteNotFoundException;
import dev.trafficmanager.event.EventJson;
import dev.trafficmanager.http.JsonResponder;
import dev.trafficmanager.resilience.Resilience;
import dev.trafficmanager.resilience.ResilienceSettings;
import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteKey;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.javalin.Javalin;
import io.javalin.http.ConflictResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.util.Map;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorResponsesTest {
  private static final RouteKey ROUTE = new RouteKey("acme", "search", "prod", "v1");

  private final Map<String, RuntimeException> failures =
      Map.of(
          "/invalid", new InvalidInputException("tenant", "must match a name"),
          "/missing", new RouteNotFoundException(ROUTE),
          "/conflict", new RouteConflictException(ROUTE),
          "/reused", new IdempotencyKeyReusedException(new IdempotencyKey("k-1")),
          "/javalin-conflict", new ConflictResponse("taken"),
          "/circuit-open",
              CallNotPermittedException.createCallNotPermittedException(
                  CircuitBreaker.ofDefaults("redis")),
          "/bulkhead-full",
              BulkheadFullException.createBulkheadFullException(Bulkhead.ofDefaults("writes")),
          "/draining", new ServiceUnavailableException("draining", "shutting down"));
  private Javalin app;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() {
    app = Javalin.create(config -> config.showJavalinBanner = false);
    app.before(CorrelationIds::assign);
    app.after(CorrelationIds::release);
    new ErrorResponses(
            new JsonResponder(EventJson.newMapper()),
            new Circuits(
                Resilience.create(ResilienceSettings.defaults(), new SimpleMeterRegistry()),
                Clock.systemUTC()))
        .register(app);
    app.get(
        "/boom",
        ctx -> {
          throw new IllegalStateException("secret internal detail");
        });
    app.get(
        "/database",
        ctx -> {
          throw new ConnectionException(
              new SQLTransientConnectionException("tm-api - Connection is not available"));
        });
    app.get(
        "/slow",
        ctx -> {
          throw new UnableToExecuteStatementException(
              new SQLException("canceling statement due to statement timeout", "57014"), null);
        });
    failures.forEach(
        (path, failure) ->
            app.get(
                path,
                ctx -> {
                  throw failure;
                }));
    app.start(0);
  }

  @AfterEach
  void stop() {
    app.stop();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path))
            .header("X-Correlation-ID", "c-1")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anUnexpectedFailureIs500JsonWithoutItsDetails() throws Exception {
    HttpResponse<String> response = get("/boom");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(response.body())
        .contains("\"error\":\"internal_error\"")
        .contains("c-1")
        .doesNotContain("secret", "IllegalStateException", "at dev.");
  }

  @Test
  void aDatabaseThatCannotBeReachedIs503WithRetryAfter() throws Exception {
    HttpResponse<String> response = get("/database");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).contains("1");
    assertThat(response.body())
        .contains("\"error\":\"unavailable\"")
        .contains("\"reason\":\"database_unreachable\"");
  }

  @Test
  void aStatementTimeoutIs503WithRetryAfterNot500() throws Exception {
    HttpResponse<String> response = get("/slow");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).contains("1");
    assertThat(response.body()).contains("\"reason\":\"database_busy\"");
  }

  @Test
  void anUnknownPathIs404Json() throws Exception {
    HttpResponse<String> response = get("/nowhere");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("\"error\":\"not_found\"");
    assertThat(response.headers().firstValue("X-Correlation-ID")).contains("c-1");
  }

  @ParameterizedTest
  @CsvSource({
    "/invalid, 400, invalid_request",
    "/missing, 404, not_found",
    "/conflict, 409, conflict",
    "/reused, 422, idempotency_key_reused",
    "/javalin-conflict, 409, conflict"
  })
  void eachFailureIsAnsweredWithItsStatusAndCode(String path, int status, String code)
      throws Exception {
    HttpResponse<String> response = get(path);

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.body()).contains("\"error\":\"" + code + "\"");
    assertThat(ErrorResponses.status(failures.get(path))).isEqualTo(status);
  }

  @ParameterizedTest
  @CsvSource({
    "/circuit-open, circuit_open",
    "/bulkhead-full, overloaded",
    "/draining, draining",
    "/database, database_unreachable",
    "/slow, database_busy"
  })
  void aFailureThatMayPassLaterIs503WithItsReasonAndRetryAfter(String path, String reason)
      throws Exception {
    HttpResponse<String> response = get(path);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
    assertThat(response.body())
        .contains("\"error\":\"unavailable\"")
        .contains("\"reason\":\"" + reason + "\"");
  }
}
