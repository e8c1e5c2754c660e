package dev.trafficmanager.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.api.resilience.Circuits;
import dev.trafficmanager.event.EventJson;
import dev.trafficmanager.http.JsonResponder;
import dev.trafficmanager.resilience.Resilience;
import dev.trafficmanager.resilience.ResilienceSettings;
import io.javalin.Javalin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ErrorResponsesTest {
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
}
