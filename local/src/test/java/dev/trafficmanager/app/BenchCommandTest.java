package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.api.ApiService;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TestTokens;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class BenchCommandTest {
  private static final ObjectMapper json = new ObjectMapper();
  private static final int ROUTES = 20;

  private final HttpClient http = HttpClient.newHttpClient();
  private String token;

  @Test
  void measuresEveryScenarioUnderItsOwnTenantAndDeactivatesItsRoutesAfterwards(TestEnvironment env)
      throws Exception {
    env.createTopics();
    token = TestTokens.admin(env.settings());
    try (ApiService api = new ApiService(env.settings())) {
      api.start();
      String base = "http://localhost:" + api.httpPort();
      String otherRoute =
          """
          {"tenant":"acme","service":"checkout","env":"prod","version":"v1","url":"https://acme.example"}""";
      assertThat(post(base + "/api/v1/routes", otherRoute).statusCode()).isEqualTo(201);

      OperatorCli.Run run =
          DeveloperCli.run(
              env.with(Map.of("TM_TOKEN", token)),
              "bench",
              "--url",
              base,
              "--duration",
              "2s",
              "--warmup",
              "0s",
              "--routes",
              Integer.toString(ROUTES),
              "--threads",
              "2",
              "--json",
              "--progress",
              "none");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      JsonNode report = json.readTree(run.out());
      for (String phase : List.of("create", "writes", "resolve")) {
        JsonNode result = report.get(phase);
        assertThat(result.get("ok").asLong()).as(phase + " ok").isPositive();
        assertThat(result.get("ops_per_second").asDouble()).as(phase + " ops/s").isPositive();
        assertThat(result.get("non_2xx").asLong()).as(phase + " non-2xx").isZero();
        assertThat(result.get("errors").asLong()).as(phase + " errors").isZero();
        assertThat(fieldNames(result.get("statuses"))).as(phase).allMatch(s -> s.startsWith("2"));
        assertThat(result.get("latency_ms").get("p99").asDouble()).as(phase + " p99").isPositive();
      }
      assertThat(report.get("create").get("ok").asInt()).isEqualTo(ROUTES);
      assertThat(report.get("resolve_per_write").asDouble()).isPositive();
      assertThat(report.get("resolve_cache").get("redis").isObject()).isTrue();
      assertThat(report.get("routes").get("created").asInt()).isEqualTo(ROUTES);
      assertThat(report.get("routes").get("deactivated").asInt()).isEqualTo(ROUTES);

      String tenant = report.get("tenant").asText();
      assertThat(tenant).matches("bench-[0-9a-f]{8}");
      JsonNode routes =
          json.readTree(get(base + "/api/v1/routes?tenant=" + tenant + "&limit=500").body())
              .get("items");
      assertThat(routes).hasSize(ROUTES);
      assertThat(routes).allSatisfy(route -> assertThat(route.get("active").asBoolean()).isFalse());
      JsonNode untouched = json.readTree(get(base + "/api/v1/routes/acme/checkout/prod/v1").body());
      assertThat(untouched.get("revision").asLong()).isEqualTo(1);
      assertThat(untouched.get("active").asBoolean()).isTrue();
    }
  }

  @Test
  void anUnreachableApiIsNamedWithoutAStackTrace() throws IOException {
    int port;
    try (ServerSocket nobodyListens = new ServerSocket(0)) {
      port = nobodyListens.getLocalPort();
    }
    String url = "http://localhost:" + port;

    OperatorCli.Run run = DeveloperCli.run(new Settings(Map.of()), "bench", "--url", url);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("bench: cannot reach the API at " + url + ": connection refused")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void theWatchScenarioHoldsItsWatchersAndTimesTheirDeliveries(TestEnvironment env) {
    OperatorCli.Run run =
        benchAgainstAnApi(
            env,
            TestTokens.admin(env.settings()),
            "--scenario",
            "watch",
            "--watchers",
            "20",
            "--rate",
            "5",
            "--duration",
            "2s",
            "--progress",
            "none");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out())
        .contains("20 watchers opened, 20 held by the API")
        .contains("0 failures")
        .contains("write sent -> change received: p50")
        .contains("bytes a watcher");
  }

  @Test
  void theClientScenarioReportsTheLagOfTheReplicaBehindEveryWrite(TestEnvironment env) {
    OperatorCli.Run run =
        benchAgainstAnApi(
            env,
            TestTokens.admin(env.settings()),
            "--scenario",
            "client",
            "--rate",
            "10",
            "--duration",
            "2s");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out())
        .containsPattern("client: (19|20|21) writes acknowledged, \\1 seen by the replica")
        .contains("0 never seen, 0 failed")
        .contains("write acknowledged -> replica answers it: p50");
  }

  @Test
  void aWatchRunWhoseTokenIsRefusedStopsNamingTheAnswer(TestEnvironment env) {
    OperatorCli.Run run =
        benchAgainstAnApi(
            env,
            "tm_not-a-token-anyone-issued",
            "--scenario",
            "watch",
            "--watchers",
            "2",
            "--progress",
            "none");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err()).contains("bench: creating the watched route: the API answered 401");
    assertThat(run.out()).doesNotContain("watchers opened");
  }

  /** Runs bench with {@code args} against an API of its own, sending {@code token}. */
  private static OperatorCli.Run benchAgainstAnApi(
      TestEnvironment env, String token, String... args) {
    env.createTopics();
    try (ApiService api = new ApiService(env.settings())) {
      api.start();
      List<String> command =
          new ArrayList<>(List.of("bench", "--url", "http://localhost:" + api.httpPort()));
      command.addAll(List.of(args));
      return DeveloperCli.run(env.with(Map.of("TM_TOKEN", token)), command.toArray(String[]::new));
    }
  }

  @Test
  void badArgumentsAreInvalidUsageNamingTheOption() {
    Settings settings = new Settings(Map.of());

    OperatorCli.Run threads = DeveloperCli.run(settings, "bench", "--threads", "-1");
    OperatorCli.Run duration = DeveloperCli.run(settings, "bench", "--duration", "soon");
    OperatorCli.Run warmup = DeveloperCli.run(settings, "bench", "--warmup", "-5s");
    OperatorCli.Run url = DeveloperCli.run(settings, "bench", "--url", "ftp://localhost:8080");
    OperatorCli.Run scenario = DeveloperCli.run(settings, "bench", "--scenario", "reads");

    assertThat(List.of(threads, duration, warmup, url, scenario))
        .allSatisfy(run -> assertThat(run.exitCode()).as(run.toString()).isEqualTo(2));
    assertThat(threads.err()).contains("--threads must be from 1 to 1000, got -1");
    assertThat(duration.err()).contains("'--duration'").contains("'soon' is not a duration");
    assertThat(warmup.err()).contains("'--warmup'").contains("'-5s' is not a duration");
    assertThat(url.err()).contains("'--url'").contains("'ftp://localhost:8080' is not an http");
    assertThat(scenario.err()).contains("'--scenario'").contains("'reads' is not a scenario");
  }

  @Test
  void benchLogsOnStderrWhileTheServicesKeepLoggingOnStdout() throws Exception {
    Settings console = new Settings(Map.of());
    Settings json = new Settings(Map.of(TrafficManager.LOG_FORMAT, "json"));

    assertThat(
            TrafficManager.loggingProperties(
                new String[] {"bench", "--json"},
                console,
                DeveloperTrafficManager.RESULT_ON_STDOUT))
        .containsEntry(TrafficManager.LOG_TARGET, "System.err")
        .containsEntry("logback.configurationFile", "logback-console.xml");
    assertThat(
            TrafficManager.loggingProperties(
                new String[] {"bench"}, json, DeveloperTrafficManager.RESULT_ON_STDOUT))
        .containsEntry(TrafficManager.LOG_TARGET, "System.err")
        .doesNotContainKey("logback.configurationFile");
    assertThat(
            TrafficManager.loggingProperties(
                new String[] {"api"}, console, DeveloperTrafficManager.RESULT_ON_STDOUT))
        .doesNotContainKey(TrafficManager.LOG_TARGET);
    assertThat(
            TrafficManager.loggingProperties(
                new String[] {"local"}, console, DeveloperTrafficManager.RESULT_ON_STDOUT))
        .doesNotContainKey(TrafficManager.LOG_TARGET);
    // Both configurations honour the property, and default to stdout without it.
    for (String configuration : List.of("logback.xml", "logback-console.xml")) {
      assertThat(consoleTarget(configuration, null)).as(configuration).isEqualTo("System.out");
      assertThat(consoleTarget(configuration, "System.err"))
          .as(configuration)
          .isEqualTo("System.err");
    }
  }

  /** The target of the console appender a logback configuration builds. */
  private static String consoleTarget(String resource, String logTarget) throws Exception {
    LoggerContext context = new LoggerContext();
    try {
      if (logTarget != null) {
        context.putProperty(TrafficManager.LOG_TARGET, logTarget);
      }
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(BenchCommandTest.class.getClassLoader().getResource(resource));
      Iterator<Appender<ILoggingEvent>> appenders =
          context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
      return ((ConsoleAppender<ILoggingEvent>) appenders.next()).getTarget();
    } finally {
      context.stop();
    }
  }

  private static List<String> fieldNames(JsonNode object) {
    return object.properties().stream().map(Map.Entry::getKey).toList();
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + token)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
