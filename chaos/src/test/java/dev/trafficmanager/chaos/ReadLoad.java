package dev.trafficmanager.chaos;

import dev.trafficmanager.route.RouteKey;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Data-plane readers resolving the scenario's routes steadily over both APIs: every route exists
 * and is active, so every answer must be a 200; anything else (or no answer) is a failed read.
 */
final class ReadLoad implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final List<RouteKey> routes;
  private final List<String> apis;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService readers = Executors.newSingleThreadScheduledExecutor();
  private final AtomicInteger turn = new AtomicInteger();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  private final String token;

  /** Resolves {@code routes} round robin over {@code apis}, sending {@code token}. */
  ReadLoad(List<RouteKey> routes, List<String> apis, String token) {
    this.token = token;
    this.routes = List.copyOf(routes);
    this.apis = List.copyOf(apis);
  }

  void start(int readsPerSecond) {
    readers.scheduleAtFixedRate(this::read, 0, 1_000_000L / readsPerSecond, TimeUnit.MICROSECONDS);
  }

  long answered() {
    return answered.get();
  }

  long failed() {
    return failed.get();
  }

  @Override
  public void close() throws InterruptedException {
    readers.shutdownNow();
    if (!readers.awaitTermination(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the readers did not stop within 30 s");
    }
  }

  private void read() {
    int n = turn.getAndIncrement();
    RouteKey route = routes.get(Math.floorMod(n, routes.size()));
    String url =
        apis.get(Math.floorMod(n, apis.size()))
            + "/api/v1/routes/resolve?tenant="
            + encode(route.tenant())
            + "&service="
            + encode(route.service())
            + "&env="
            + encode(route.env())
            + "&version="
            + encode(route.version());
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(TIMEOUT)
                  .header("Authorization", "Bearer " + token)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      (response.statusCode() == 200 ? answered : failed).incrementAndGet();
    } catch (IOException e) {
      failed.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String encode(String part) {
    return URLEncoder.encode(part, StandardCharsets.UTF_8);
  }
}
