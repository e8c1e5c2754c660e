package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.health.Draining;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class DrainingTest {
  private static final String ROUTES = "/api/v1/routes";
  private static final String ROUTE = HeldRouteLock.ROUTE;
  private static final Duration BOUND = Duration.ofSeconds(30);

  @Test
  void drainingTurnsReadinessOffWhileRequestsAreStillServed(TestEnvironment env) {
    env.createTopics();
    try (RunningApi running = RunningApi.start(env.settings())) {
      ApiClient client = running.client();
      assertThat(client.get("/health/ready").status()).isEqualTo(200);

      running.context().draining().startDraining();

      ApiClient.Response ready = client.get("/health/ready");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.json().path("draining").asBoolean()).isTrue();
      assertThat(RunningApi.component(ready.json(), "draining").path("status").asText())
          .isEqualTo("down");
      assertThat(client.get("/health/live").status()).isEqualTo(200);
      assertThat(
              client
                  .post(
                      ROUTES,
                      ApiClient.route("acme", "billing", "prod", "v1", "https://a.example/"))
                  .status())
          .as("load balancers need a moment to notice: requests are still served")
          .isEqualTo(201);
      assertThat(
              client
                  .get(ROUTES + "/resolve?tenant=acme&service=billing&env=prod&version=v1")
                  .status())
          .isEqualTo(200);
    }
  }

  @Test
  void closeStopsAcceptingAndLetsTheRequestsInFlightFinish(TestEnvironment env) throws Exception {
    env.createTopics();
    RunningApi running =
        RunningApi.start(env.with(Map.of(DatabaseSettings.STATEMENT_TIMEOUT, "60s")));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (HeldRouteLock lock = HeldRouteLock.create(running.client(), env.jdbi())) {
      ApiClient client = running.client();
      int port = running.api().httpPort();
      Draining draining = running.context().draining();
      Future<ApiClient.Response> inFlight =
          pool.submit(() -> client.put(ROUTE, ApiClient.url("https://b.example/")));
      await("the write is in flight, waiting on the row lock")
          .atMost(BOUND)
          .until(() -> draining.inFlight() == 1);

      Future<?> closing = pool.submit(running.api()::close);

      await("the server stops accepting connections").atMost(BOUND).until(() -> !accepts(port));
      assertThat(closing.isDone()).as("close waits for the request in flight").isFalse();

      lock.release();

      ApiClient.Response finished = inFlight.get(30, TimeUnit.SECONDS);
      assertThat(finished.status()).as(finished.toString()).isEqualTo(200);
      closing.get(30, TimeUnit.SECONDS);
      assertThat(draining.inFlight()).isZero();
    } finally {
      pool.shutdownNow();
      running.close();
    }
  }

  @Test
  void closeGivesUpOnRequestsStillRunningAfterTheDrainTimeout(TestEnvironment env)
      throws Exception {
    env.createTopics();
    RunningApi running =
        RunningApi.start(
            env.with(
                Map.of(
                    ApiSettings.DRAIN_TIMEOUT, "1s",
                    DatabaseSettings.STATEMENT_TIMEOUT, "60s")));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (HeldRouteLock lock = HeldRouteLock.create(running.client(), env.jdbi())) {
      ApiClient client = running.client();
      Future<ApiClient.Response> stuck =
          pool.submit(() -> client.put(ROUTE, ApiClient.url("https://b.example/")));
      await("the write is in flight, waiting on the row lock")
          .atMost(BOUND)
          .until(() -> running.context().draining().inFlight() == 1);

      Future<?> closing = pool.submit(running.api()::close);

      await("close returns although the request still waits").atMost(BOUND).until(closing::isDone);
      closing.get();
      lock.release();
      assertThat(answerOf(stuck)).as("the request left running was cut off").isNotEqualTo(200);
    } finally {
      pool.shutdownNow();
      running.close();
    }
  }

  /** The status the request got, or -1 if its connection was cut before an answer. */
  private static int answerOf(Future<ApiClient.Response> request) throws InterruptedException {
    try {
      return request.get(30, TimeUnit.SECONDS).status();
    } catch (ExecutionException e) {
      return -1;
    } catch (TimeoutException e) {
      throw new AssertionError("the request neither finished nor failed", e);
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("localhost", port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
