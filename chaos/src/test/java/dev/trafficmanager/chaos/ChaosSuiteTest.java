package dev.trafficmanager.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.app.operate.verify.ProgressSink;
import dev.trafficmanager.app.operate.verify.Verifier;
import dev.trafficmanager.app.operate.verify.VerifyReport;
import dev.trafficmanager.app.operate.verify.VerifyScope;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.testkit.InvalidationSubscriber;
import dev.trafficmanager.testkit.ServerControl;
import dev.trafficmanager.testkit.ServerControl.Server;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.testkit.TestTokens;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof under failure: the services run as separate OS processes against one Kafka broker, one
 * PostgreSQL and one Redis owned by this JVM; several tenants write steadily; one fault is injected
 * at a time; then the pipeline settles and every acknowledged revision must be on {@code
 * route-events}, exactly once on {@code route-changes}, invalidated in Redis, and {@code verify}
 * must find nothing lost or wrong. Every scenario prints one line of figures.
 *
 * <p>The services are shared by the scenarios, each starting again what the one before killed. The
 * bounds are generous, for a loaded 2-core machine: they catch a pipeline that does not recover,
 * not a slow one.
 */
@ExtendWith(SharedServers.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosSuiteTest {
  /** Six JVMs starting at once on two cores. */
  private static final Duration START_BOUND = Duration.ofMinutes(3);

  /** From a relay leader's death (or freeze) to a later write's audit row and invalidation. */
  private static final Duration RELAY_RECOVERY_BOUND = Duration.ofSeconds(90);

  /**
   * From a killed processor or consumer to a later write's audit row and invalidation, its restart
   * included: the group waits out the dead member's session (45 s) before it hands over.
   */
  private static final Duration RESTART_RECOVERY_BOUND = Duration.ofMinutes(3);

  /** From the load's end to nothing in flight. */
  private static final Duration SETTLE_BOUND = Duration.ofMinutes(3);

  /**
   * The relays' Kafka delivery timeout, short so that their transaction timeout (twice it plus 5 s,
   * at least 10 s: 11 s) is shorter than a freeze: the broker aborts what a frozen leader left
   * open.
   */
  private static final String RELAY_DELIVERY_TIMEOUT = "3s";

  /**
   * The relays' lease: a standby takes over from a leader that has not renewed it for this long.
   * Shorter than the 10 s default so that a small-size freeze (15 s) outlasts it by more than the
   * time a write takes to go the whole way.
   */
  private static final Duration RELAY_LEASE = Duration.ofSeconds(5);

  /**
   * From a leader's freeze to the other relay leading: the lease from its last renewal (at most a
   * third of a lease before the freeze), two of the standby's poll intervals, and a margin for a
   * loaded machine.
   */
  private static final Duration TAKEOVER_BOUND = RELAY_LEASE.plusSeconds(30);

  /** How long a relay leader cut off from Kafka keeps its lock: shorter than the 30 s default. */
  private static final Duration RELAY_KAFKA_GIVE_UP = Duration.ofSeconds(10);

  private static final String JVM_OPTIONS = "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

  /**
   * Each API reaches the broker through a {@link TcpProxy} of its own, on a loopback address of its
   * own: its JVM resolves {@code localhost}, the broker's advertised host, to that address (a hosts
   * file of its own), and reaches PostgreSQL and Redis at 127.0.0.1 directly.
   */
  private static final Map<String, InetAddress> API_LOOPBACK =
      Map.of(ServiceProcesses.API_A, loopback(2), ServiceProcesses.API_B, loopback(3));

  private final ChaosSize size = ChaosSize.chosen();
  private TestEnvironment env;
  private ServerControl servers;
  private ServiceProcesses services;
  // An admin token, made in the database before the services start: the suite runs with
  // authentication on, as a deployment does.
  private WriteClient client;
  private InvalidationSubscriber invalidations;
  private final Map<String, TcpProxy> kafkaPaths = new HashMap<>();

  @BeforeAll
  void startServices(TestEnvironment env, ServerControl servers, @TempDir Path logDir)
      throws Exception {
    this.env = env;
    this.servers = servers;
    env.createTopics();
    Settings settings =
        env.with(
            Map.of(
                "TM_DRAIN_GRACE",
                "0s",
                "TM_LOG_FORMAT",
                "console",
                // The suite writes far faster than a tenant's default share.
                "TM_WRITE_RATE_PER_TENANT",
                "100000",
                "TM_KAFKA_DELIVERY_TIMEOUT",
                RELAY_DELIVERY_TIMEOUT,
                "TM_RELAY_KAFKA_GIVE_UP",
                RELAY_KAFKA_GIVE_UP.toSeconds() + "s",
                "TM_RELAY_LEASE",
                RELAY_LEASE.toSeconds() + "s",
                // Six JVMs on a small machine: small heaps, quick start-up.
                "JAVA_TOOL_OPTIONS",
                JVM_OPTIONS));
    int brokerPort = Integer.parseInt(env.kafka().bootstrapServers().replaceFirst(".*:", ""));
    Map<String, Settings> apis = new HashMap<>();
    for (Map.Entry<String, InetAddress> api : API_LOOPBACK.entrySet()) {
      TcpProxy proxy =
          new TcpProxy(
              new InetSocketAddress(api.getValue(), brokerPort),
              new InetSocketAddress(InetAddress.getLoopbackAddress(), brokerPort));
      proxy.open();
      kafkaPaths.put(api.getKey(), proxy);
      Path hosts = logDir.resolve(api.getKey() + ".hosts");
      Files.writeString(
          hosts,
          api.getValue().getHostAddress()
              + " localhost\n127.0.0.1 "
              + InetAddress.getLocalHost().getHostName()
              + "\n");
      apis.put(
          api.getKey(),
          settings.with(
              Map.of(
                  "TM_DB_URL",
                  settings.string("TM_DB_URL", "").replace("//localhost:", "//127.0.0.1:"),
                  "TM_REDIS_URL",
                  settings.string("TM_REDIS_URL", "").replace("@localhost:", "@127.0.0.1:"),
                  "JAVA_TOOL_OPTIONS",
                  JVM_OPTIONS + " -Djdk.net.hosts.file=" + hosts)));
    }
    client = new WriteClient(TestTokens.admin(settings));
    services = new ServiceProcesses(name -> apis.getOrDefault(name, settings), logDir);
    // The first connection to Redis on a busy machine can outlast the command timeout.
    invalidations =
        await("subscribed to the invalidations")
            .atMost(START_BOUND)
            .ignoreExceptions()
            .until(() -> new InvalidationSubscriber(env.redis()), Objects::nonNull);
    services.startAll(START_BOUND);
  }

  @BeforeEach
  void everyServiceRuns() throws Exception {
    services.startAll(START_BOUND);
  }

  @AfterAll
  void stopServices() throws Exception {
    if (invalidations != null) {
      invalidations.close();
    }
    if (services != null) {
      services.close();
    }
    for (TcpProxy proxy : kafkaPaths.values()) {
      proxy.close();
    }
  }

  @Test
  @Order(1)
  void killingTheRelayLeaderHandsPublishingToTheOtherApi() throws Exception {
    run(
        "kill -9 the relay leader",
        "relaykill",
        RELAY_RECOVERY_BOUND,
        new Fault() {
          private String leader;

          @Override
          public String inject() throws Exception {
            leader = currentLeader();
            services.kill(leader);
            return ServiceProcesses.otherApi(leader);
          }

          @Override
          public void repair() throws Exception {
            services.start(leader);
          }
        });
  }

  @Test
  @Order(2)
  void killingTheProcessorMidStreamChangesEachRevisionOnce() throws Exception {
    run(
        "kill -9 the processor, restart it",
        "prockill",
        RESTART_RECOVERY_BOUND,
        killAndRestart(List.of(ServiceProcesses.PROCESSOR)));
  }

  @Test
  @Order(3)
  void killingEachConsumerMidBatchLosesNoAuditRowCacheEntryOrInvalidation() throws Exception {
    run(
        "kill -9 the three consumers, restart them",
        "conskill",
        RESTART_RECOVERY_BOUND,
        killAndRestart(ServiceProcesses.CONSUMERS));
  }

  @Test
  @Order(4)
  void freezingTheRelayLeaderBeyondItsLeaseHandsPublishingOverAndLosesAndReordersNothing()
      throws Exception {
    Acknowledged acks = new Acknowledged();
    String prefix = "relayfreeze";
    run(
        "kill -STOP the relay leader " + size.freeze().toSeconds() + " s, then kill -CONT",
        prefix,
        RELAY_RECOVERY_BOUND.plus(TAKEOVER_BOUND).plus(size.freeze()),
        new Fault() {
          private String leader;
          private long frozenAt;

          @Override
          public String inject() throws Exception {
            leader = currentLeader();
            services.freeze(leader);
            frozenAt = System.nanoTime();
            return ServiceProcesses.otherApi(leader);
          }

          /**
           * While the leader is still frozen: the other relay leads, and everything acknowledged
           * until then reaches route-changes. Only then, and not before the size's freeze, CONT.
           */
          @Override
          public void repair() throws Exception {
            String other = ServiceProcesses.otherApi(leader);
            await("the relay of " + other + " takes over from the frozen leader")
                .atMost(TAKEOVER_BOUND)
                .pollInterval(Duration.ofMillis(250))
                .until(services::relayLeader, Optional.of(other)::equals);
            double tookOver = secondsSince(frozenAt);
            Acknowledged duringFreeze = acks.snapshot();
            await("what was acknowledged until the takeover reaches route-changes, before CONT")
                .atMost(RELAY_RECOVERY_BOUND)
                .pollInterval(Duration.ofSeconds(1))
                .until(
                    () ->
                        Delivery.of(env, prefix, duringFreeze, invalidations)
                            .missingOnChanges()
                            .isEmpty());
            double delivered = secondsSince(frozenAt);
            assertThat(services.isRunning(leader)).as("the leader is still there, frozen").isTrue();
            System.out.printf(
                Locale.ROOT,
                "CHAOS %-55s | the relay of %s led %.1f s into the freeze (bound %d s, lease %d"
                    + " s); the %d writes acknowledged by then were on route-changes after %.1f s,"
                    + " before CONT%n",
                "kill -STOP the relay leader: takeover while frozen",
                other,
                tookOver,
                TAKEOVER_BOUND.toSeconds(),
                RELAY_LEASE.toSeconds(),
                duringFreeze.count(),
                delivered);
            await("the leader stays frozen for at least " + size.freeze().toSeconds() + " s")
                .atMost(size.freeze().plusSeconds(10))
                .until(() -> secondsSince(frozenAt) >= size.freeze().toSeconds());
            services.thaw(leader);
          }
        },
        true,
        acks);
  }

  @Test
  @Order(5)
  void aRelayLeaderCutOffFromKafkaGivesUpItsLockAndTheOtherApiPublishes() throws Exception {
    run(
        "relay leader cut off from Kafka (keeps PostgreSQL)",
        "kafkacut",
        RELAY_RECOVERY_BOUND.plus(RELAY_KAFKA_GIVE_UP),
        new Fault() {
          private String leader;

          @Override
          public String inject() throws Exception {
            leader = currentLeader();
            kafkaPaths.get(leader).cut();
            return ServiceProcesses.otherApi(leader);
          }

          @Override
          public void repair() throws Exception {
            String other = ServiceProcesses.otherApi(leader);
            await("the relay of " + other + " leads, the cut-off one gave up")
                .atMost(RELAY_RECOVERY_BOUND.plus(RELAY_KAFKA_GIVE_UP))
                .pollInterval(Duration.ofMillis(250))
                .until(services::relayLeader, Optional.of(other)::equals);
            kafkaPaths.get(leader).open();
          }
        });
  }

  @Test
  @Order(6)
  void aKafkaBrokerRestartedDuringWritesDelaysEventsAndLosesNone() throws Exception {
    run(
        "Kafka broker restarted during writes",
        "kafkarestart",
        RESTART_RECOVERY_BOUND,
        serverRestart(Server.KAFKA));
  }

  @Test
  @Order(7)
  void aPostgresqlRestartedDuringWritesRefusesWritesAndLosesNoAcknowledgedOne() throws Exception {
    Acknowledged acks = new Acknowledged();
    run(
        "PostgreSQL restarted during writes",
        "pgrestart",
        RESTART_RECOVERY_BOUND,
        serverRestart(Server.POSTGRESQL),
        true,
        acks);
    // Both APIs run throughout: every write is answered, 503 at once while PostgreSQL is down
    // (after one wait for a connection, TM_DB_CONNECTION_TIMEOUT), well within the writer's
    // timeout.
    assertThat(acks.timedOutCount())
        .as("writes not answered within the writer's %d s", WriteClient.TIMEOUT.toSeconds())
        .isZero();
    assertThat(acks.failedCount()).as("writes not answered").isZero();
    assertThat(acks.refusedByStatus().keySet())
        .as("refused writes: shed (503) or over a limit (429), nothing else")
        .isSubsetOf(503, 429);
  }

  @Test
  @Order(8)
  void aRedisRestartedDuringWritesAndReadsKeepsReadsAnswering() throws Exception {
    ReadLoad reads =
        new ReadLoad(
            WriteLoad.routes("redisrestart", size).stream().flatMap(List::stream).toList(),
            services.apiUrls(),
            client.token());
    try (reads) {
      Fault restart = serverRestart(Server.REDIS);
      run(
          "Redis restarted during writes and reads",
          "redisrestart",
          RESTART_RECOVERY_BOUND,
          new Fault() {
            @Override
            public String inject() throws Exception {
              reads.start(size.writesPerSecond());
              return restart.inject();
            }

            @Override
            public void repair() throws Exception {
              restart.repair();
            }
          },
          false,
          new Acknowledged());
    }
    System.out.printf(
        Locale.ROOT,
        "CHAOS %-55s | resolves answered %d, failed %d%n",
        "Redis restarted during writes and reads",
        reads.answered(),
        reads.failed());
    assertThat(reads.answered()).as("resolves answered").isPositive();
    assertThat(reads.failed()).as("resolves not answered 200").isZero();
  }

  @Test
  @Order(9)
  void aBurstOfTenTimesTheSteadyRateIsShedWithoutLosingAnAcknowledgedWrite() throws Exception {
    Acknowledged burstAcks = new Acknowledged();
    run(
        "burst of 10x the write rate for " + size.burst().toSeconds() + " s",
        "burst",
        RESTART_RECOVERY_BOUND,
        new Fault() {
          private WriteLoad burst;

          @Override
          public String inject() throws Exception {
            burst =
                new WriteLoad("burst-x", size.burstSize(), services::apiUrls, client, burstAcks);
            burst.createRoutes();
            burst.start();
            return ServiceProcesses.API_A;
          }

          @Override
          public void repair() throws Exception {
            try (WriteLoad stopping = burst) {
              await("the burst lasts " + size.burst().toSeconds() + " s")
                  .pollDelay(size.burst())
                  .atMost(size.burst().plusSeconds(10))
                  .until(() -> true);
            }
          }
        },
        true,
        burstAcks);
    // Whether a fast machine has to shed anything at ten times the rate is not the test's to say:
    // what it may not do is answer the excess any other way.
    System.out.printf(
        Locale.ROOT,
        "CHAOS %-55s | shed %d (503/429) of %d writes answered, %d unanswered%n",
        "burst: what the API shed",
        burstAcks.shed(),
        burstAcks.count() + burstAcks.refusedByStatus().values().stream().mapToLong(n -> n).sum(),
        burstAcks.failedCount());
    assertThat(burstAcks.refusedByStatus().keySet())
        .as("the excess is shed with 503 or 429, nothing else")
        .isSubsetOf(503, 429);
    assertThat(burstAcks.timedOutCount())
        .as("writes not answered within the writer's %d s", WriteClient.TIMEOUT.toSeconds())
        .isZero();
    assertThat(burstAcks.failedCount()).as("writes not answered").isZero();
  }

  /** SIGKILL to each service, all at once, then each started again, as an orchestrator would. */
  private Fault killAndRestart(List<String> names) {
    return new Fault() {
      @Override
      public String inject() throws Exception {
        for (String name : names) {
          services.kill(name);
        }
        return ServiceProcesses.API_A;
      }

      @Override
      public void repair() throws Exception {
        for (String name : names) {
          services.start(name);
        }
      }
    };
  }

  /**
   * The server stops, stays down for the size's outage, and starts again as an operator's restart
   * would: same port, same data.
   */
  private Fault serverRestart(Server server) {
    return new Fault() {
      @Override
      public String inject() {
        servers.stop(server);
        return ServiceProcesses.API_A;
      }

      @Override
      public void repair() {
        await(server + " stays down for " + size.outage().toSeconds() + " s")
            .pollDelay(size.outage())
            .atMost(size.outage().plusSeconds(10))
            .until(() -> true);
        servers.start(server);
      }
    };
  }

  /** A fault, and what an orchestrator does about it. */
  private interface Fault {
    /**
     * Injects the fault while the writes go on.
     *
     * @return an API that keeps serving through the fault
     */
    String inject() throws Exception;

    /** Restarts what was killed, thaws what was frozen. */
    void repair() throws Exception;
  }

  /**
   * Writes steadily from the scenario's tenants; injects the fault; writes a probe through an API
   * that still serves and repairs; waits until the probe went the whole way (its audit row written,
   * its invalidation published): the time to recover. Then writes on for a while, stops, lets the
   * pipeline settle and checks it against what the writers were acknowledged.
   */
  private void run(String faultName, String prefix, Duration recoveryBound, Fault fault)
      throws Exception {
    run(faultName, prefix, recoveryBound, fault, true, new Acknowledged());
  }

  /**
   * @param invalidationsChecked whether this test's own subscriber must have received an
   *     invalidation for every revision: not while Redis restarts, since a subscriber misses what
   *     is published before it has subscribed again (the APIs clear their near caches then)
   * @param acks the writers' record, which the fault's own writers may add to
   */
  private void run(
      String faultName,
      String prefix,
      Duration recoveryBound,
      Fault fault,
      boolean invalidationsChecked,
      Acknowledged acks)
      throws Exception {
    RouteKey probe = new RouteKey(prefix + "-probe", "probe", "prod", "v1");
    long recoveryMillis;
    try (WriteLoad load = new WriteLoad(prefix, size, services::apiUrls, client, acks)) {
      load.createRoutes();
      acknowledge(
          acks,
          probe,
          client.create(
              services.baseUrl(ServiceProcesses.API_A), probe, "https://probe.example/0"));
      load.start();
      awaitWrites(acks, size.before());

      long faultAt = System.nanoTime();
      String serving = fault.inject();
      fault.repair();
      long probeRevision =
          writeProbe(client, services.baseUrl(serving), probe, acks, recoveryBound);
      await("a write acknowledged after the fault has gone the whole way")
          .atMost(recoveryBound)
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  auditRows(probe, probeRevision) == 1
                      && (!invalidationsChecked
                          || invalidations
                              .messages()
                              .contains(Delivery.invalidation(probe.toString(), probeRevision))));
      recoveryMillis = (System.nanoTime() - faultAt) / 1_000_000;

      awaitWrites(acks, size.after());
    }
    services.startAll(START_BOUND);
    long loadStopped = System.nanoTime();
    await("nothing in flight: outbox pending and consumer lag back to 0")
        .atMost(SETTLE_BOUND)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> verify().inFlight() == 0);
    double drained = secondsSince(loadStopped);

    VerifyReport report = verify();
    Delivery delivery = Delivery.of(env, prefix, acks, invalidations);
    System.out.printf(
        Locale.ROOT,
        "CHAOS %-55s | writes acknowledged %5d (refused %s, no answer %d, %d of them timed out)"
            + " | events seen %5d"
            + " | duplicates absorbed %3d | recovered in %5.1f s (bound %d s) | drained in %4.1f s"
            + " (bound %d s) | verify %s%n",
        faultName,
        acks.count(),
        acks.refusedByStatus(),
        acks.failedCount(),
        acks.timedOutCount(),
        delivery.eventsSeen(),
        delivery.duplicatesAbsorbed(),
        recoveryMillis / 1000.0,
        recoveryBound.toSeconds(),
        drained,
        SETTLE_BOUND.toSeconds(),
        report.consistent() ? "consistent" : "NOT consistent");
    String logs = services.logTails();
    assertThat(report.consistent()).as("verify: %s%s", report.findings(), logs).isTrue();
    assertThat(delivery.missingOnEvents()).as("acknowledged, not on route-events").isEmpty();
    assertThat(delivery.missingOnChanges()).as("acknowledged, not on route-changes").isEmpty();
    assertThat(delivery.doubledOnChanges()).as("on route-changes more than once").isEmpty();
    // A stalled client can see a 408 (its body came too slowly); a server error other than 503
    // (unavailable, retry) would be a write the API failed instead of refusing.
    assertThat(acks.refusedByStatus().keySet())
        .as("refused writes: a 5xx other than 503 is a failure, not a refusal")
        .allMatch(status -> status < 500 || status == 503);
    if (invalidationsChecked) {
      assertThat(delivery.invalidationsMissing()).as("acknowledged, never invalidated").isEmpty();
    }
  }

  private static double secondsSince(long nanoTime) {
    return (System.nanoTime() - nanoTime) / 1e9;
  }

  /** {@code 127.0.0.<last>}: every address of 127/8 is this machine's loopback. */
  private static InetAddress loopback(int last) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are an IPv4 address", e);
    }
  }

  private String currentLeader() {
    return await("one relay leads")
        .atMost(RELAY_RECOVERY_BOUND)
        .until(services::relayLeader, leader -> leader.isPresent())
        .orElseThrow();
  }

  /**
   * Changes the probe route until the API acknowledges it (it may refuse while a server is down).
   */
  private static long writeProbe(
      WriteClient client, String api, RouteKey probe, Acknowledged acks, Duration bound) {
    WriteClient.Answer answer =
        await("the probe write acknowledged")
            .atMost(bound)
            .pollInterval(Duration.ofMillis(250))
            .ignoreExceptions()
            .until(
                () -> client.changeUrl(api, probe, "https://probe.example/" + System.nanoTime()),
                WriteClient.Answer::acknowledged);
    return acknowledge(acks, probe, answer);
  }

  private static long acknowledge(Acknowledged acks, RouteKey route, WriteClient.Answer answer) {
    assertThat(answer.acknowledged())
        .as("%s: %s %s", route, answer.status(), answer.body())
        .isTrue();
    acks.acknowledged(route.toString(), answer.revision());
    return answer.revision();
  }

  /**
   * Waits until the writers have been acknowledged a good part of what the rate promises over the
   * duration: the load phase is counted in writes, not in time, so a slow machine writes as much.
   */
  private void awaitWrites(Acknowledged acks, Duration duration) {
    long target = acks.count() + size.writesPerSecond() * duration.toSeconds() * 2 / 5;
    await("writes acknowledged")
        .atMost(duration.multipliedBy(5).plusSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> acks.count() >= target);
  }

  private long auditRows(RouteKey route, long revision) {
    return env.jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery(
                        "SELECT count(*) FROM audit_log WHERE route_key = ? AND revision = ?")
                    .bind(0, route.toString())
                    .bind(1, revision)
                    .mapTo(Long.class)
                    .one());
  }

  private VerifyReport verify() throws Exception {
    return new Verifier(env.settings()).run(VerifyScope.everything(), 100, ProgressSink.none());
  }
}
