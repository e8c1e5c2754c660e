package dev.trafficmanager.chaos;

import static org.awaitility.Awaitility.await;

import dev.trafficmanager.app.TrafficManager;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.testkit.ChildProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The pipeline's services as separate OS processes of {@code traffic-manager}, as an orchestrator
 * runs them: two {@code api} (each with its outbox relay; one leads), the {@code processor} and the
 * three consumers, each on its own HTTP port with its output in a log file of its own. A test kills
 * (SIGKILL), freezes (SIGSTOP) and thaws (SIGCONT) them, and starts again what it killed.
 */
final class ServiceProcesses implements AutoCloseable {
  static final String API_A = "api-a";
  static final String API_B = "api-b";
  static final String PROCESSOR = "processor";
  static final List<String> CONSUMERS = List.of("cache-invalidation", "cache-warming", "audit-log");

  private static final String LEADER = "\"outbox_relay\":\"leader\"";

  private record Service(String name, int port, Settings settings, Path log, List<String> args) {}

  private final Map<String, Service> services = new LinkedHashMap<>();
  private final Map<String, Process> running = new LinkedHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * @param settings each service's environment, by the service's name: the servers, prefixes and
   *     service settings
   * @param logDir where each service's output goes, {@code <name>.log}
   */
  ServiceProcesses(Function<String, Settings> settings, Path logDir) throws IOException {
    add(settings.apply(API_A), logDir, API_A, "api");
    add(settings.apply(API_B), logDir, API_B, "api");
    add(settings.apply(PROCESSOR), logDir, PROCESSOR, "processor");
    for (String consumer : CONSUMERS) {
      add(settings.apply(consumer), logDir, consumer, "consumer", consumer);
    }
  }

  private void add(Settings settings, Path logDir, String name, String... args) throws IOException {
    int port = ChildProcess.freePort();
    services.put(
        name,
        new Service(
            name,
            port,
            settings.with(Map.of("TM_HTTP_PORT", Integer.toString(port))),
            logDir.resolve(name + ".log"),
            List.of(args)));
  }

  /** Starts every service that is not running, and waits until each one is ready. */
  void startAll(Duration bound) throws IOException {
    for (String name : services.keySet()) {
      if (!isRunning(name)) {
        start(name);
      }
    }
    for (String name : services.keySet()) {
      awaitReady(name, bound);
    }
  }

  /** Starts the service; it appends to its log. */
  void start(String name) throws IOException {
    Service service = service(name);
    running.put(
        name,
        ChildProcess.start(
            TrafficManager.class,
            service.settings(),
            service.log(),
            service.args().toArray(String[]::new)));
  }

  boolean isRunning(String name) {
    Process process = running.get(name);
    return process != null && process.isAlive();
  }

  /** SIGKILL: the process dies at once, with whatever it was doing half done. */
  void kill(String name) throws InterruptedException {
    Process process = running.remove(name);
    if (process != null) {
      process.destroyForcibly();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + " survived SIGKILL for 30 s");
      }
    }
  }

  /** SIGSTOP: the process stops running, its connections stay open. */
  void freeze(String name) throws IOException, InterruptedException {
    signal(name, "-STOP");
  }

  /** SIGCONT: a frozen process runs on. */
  void thaw(String name) throws IOException, InterruptedException {
    signal(name, "-CONT");
  }

  private void signal(String name, String signal) throws IOException, InterruptedException {
    Process process = running.get(name);
    if (process == null) {
      throw new IllegalStateException(name + " is not running");
    }
    Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill " + signal + " " + name + " failed");
    }
  }

  void awaitReady(String name, Duration bound) {
    await(name + " ready")
        .atMost(bound)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> readiness(name).map(r -> r.statusCode() == 200).orElse(false));
  }

  /** The API whose relay holds the leader lock now, if one does. */
  Optional<String> relayLeader() {
    for (String api : List.of(API_A, API_B)) {
      if (readiness(api).map(r -> r.body().contains(LEADER)).orElse(false)) {
        return Optional.of(api);
      }
    }
    return Optional.empty();
  }

  static String otherApi(String api) {
    return API_A.equals(api) ? API_B : API_A;
  }

  String baseUrl(String name) {
    return "http://localhost:" + service(name).port();
  }

  /** Both APIs' base URLs, whether they run or not, as a load balancer without checks has them. */
  List<String> apiUrls() {
    return List.of(baseUrl(API_A), baseUrl(API_B));
  }

  /** The end of each service's log, for a failure message. */
  String logTails() {
    StringBuilder tails = new StringBuilder();
    for (Service service : services.values()) {
      try {
        List<String> lines = Files.readAllLines(service.log());
        tails.append("\n--- ").append(service.name()).append(" (last 30 lines) ---\n");
        String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()))
            .lines()
            .forEach(line -> tails.append(line).append('\n'));
      } catch (IOException e) {
        tails.append("\n--- ").append(service.name()).append(": no log (").append(e).append(")\n");
      }
    }
    return tails.toString();
  }

  private Optional<HttpResponse<String>> readiness(String name) {
    if (!isRunning(name)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          http.send(
              HttpRequest.newBuilder(URI.create(baseUrl(name) + "/health/ready"))
                  .timeout(Duration.ofSeconds(2))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private Service service(String name) {
    Service service = services.get(name);
    if (service == null) {
      throw new IllegalArgumentException("no service " + name + "; there are " + services.keySet());
    }
    return service;
  }

  /** Kills every process, the frozen ones included (SIGKILL needs no SIGCONT). */
  @Override
  public void close() throws InterruptedException {
    for (String name : new ArrayList<>(running.keySet())) {
      kill(name);
    }
  }
}
