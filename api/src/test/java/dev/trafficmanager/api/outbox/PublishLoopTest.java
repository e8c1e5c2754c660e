package dev.trafficmanager.api.outbox;

import static dev.trafficmanager.api.outbox.OutboxRows.revision;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.api.outbox.PublishLoop.Round;
import dev.trafficmanager.api.resilience.Circuits;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.kafka.KafkaFailures;
import dev.trafficmanager.resilience.Backoff;
import dev.trafficmanager.resilience.BreakerSettings;
import dev.trafficmanager.resilience.Dependency;
import dev.trafficmanager.resilience.Resilience;
import dev.trafficmanager.resilience.ResilienceSettings;
import dev.trafficmanager.time.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The publish loop without any server: Kafka is a transactional {@link ScriptedProducer}, the
 * outbox an {@link InMemoryOutbox}, time a {@link MutableClock} that only the loop's waits move.
 */
class PublishLoopTest {
  private static final String TOPIC = "t.route-events";
  private static final String A = "acme/a/prod/v1";
  private static final String B = "acme/b/prod/v1";
  private static final String C = "acme/c/prod/v1";

  /** Every backoff draws half its ceiling: the first wait after a failure is 50 ms. */
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);

  /** Longer than the Kafka breaker stays open, so that the other tests never reach it. */
  private static final Duration GIVE_UP = Duration.ofMinutes(2);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T00:00:00Z"));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final OutboxSettings settings =
      new OutboxSettings(
          Duration.ofMillis(100),
          10,
          Duration.ofDays(7),
          Duration.ofHours(1),
          Duration.ofSeconds(1),
          Duration.ofSeconds(1),
          GIVE_UP,
          Duration.ofSeconds(10));
  private final Circuits circuits =
      new Circuits(
          new Resilience(
              ResilienceSettings.from(new Settings(Map.of())),
              meters,
              clock,
              () -> 0.5,
              List.of(KafkaFailures.OUTAGE)),
          clock);
  private final CircuitBreaker breaker = circuits.breaker(Dependency.KAFKA);
  private final InMemoryOutbox outbox = new InMemoryOutbox(clock);
  private final ScriptedProducer producer = new ScriptedProducer();
  private final RecordedPauses pauses = new RecordedPauses(clock);
  private final OutageReport report = new OutageReport(meters, clock);
  private int producersOpened;
  private final PublishLoop loop =
      new PublishLoop(
          settings,
          new BatchPublisher(TOPIC, Duration.ofSeconds(1), settings.maxBackoff(), clock),
          () -> {
            producersOpened++;
            return producer;
          },
          new Backoff(settings.pollInterval(), settings.maxBackoff(), () -> 0.5),
          circuits,
          new RetentionSweep(settings, pauses, clock),
          report,
          pauses,
          clock);

  @Test
  void aBatchIsPublishedInOneTransactionAndMarkedPublished() throws Exception {
    long a1 = outbox.append(A, 1);
    long b1 = outbox.append(B, 1);
    long a2 = outbox.append(A, 2);

    Round round = loop.publishBatch(outbox);

    assertThat(round).isEqualTo(Round.DRAINED);
    assertThat(producer.commitCount()).isEqualTo(1);
    assertThat(events()).containsExactly(A + "#1", B + "#1", A + "#2");
    assertThat(outbox.marks()).containsExactly(List.of(a1, b1, a2));
    assertThat(outbox.pendingIds()).isEmpty();
    assertThat(meters.get(OutageReport.PUBLISHED).counter().count()).isEqualTo(3);
  }

  @Test
  void aBacklogLargerThanABatchGoesOutBatchAfterBatchWithoutWaiting() throws Exception {
    for (int revision = 1; revision <= 25; revision++) {
      outbox.append(A, revision);
    }
    Instant start = clock.instant();
    pauses.stopWhen = () -> outbox.pendingIds().isEmpty();

    loop.lead(outbox);

    assertThat(outbox.marks()).hasSize(3);
    assertThat(producer.commitCount()).isEqualTo(3);
    assertThat(pauses.recorded()).isEmpty();
    assertThat(clock.instant()).isEqualTo(start);
  }

  @Test
  void whileAFullBatchIsInFlightTheNextIsReadAndGoesOutAfterIt() throws Exception {
    for (int revision = 1; revision <= 25; revision++) {
      outbox.append(A, revision);
    }
    List<Boolean> readsDuringATransaction = new ArrayList<>();
    outbox.onRead = () -> readsDuringATransaction.add(producer.transactionInFlight());
    pauses.stopWhen = () -> outbox.pendingIds().isEmpty();

    loop.lead(outbox);

    assertThat(readsDuringATransaction)
        .as(
            "the second and third batches read while the one before was in flight; then the"
                + " last look before stopping")
        .containsExactly(false, true, true, false);
    assertThat(events()).containsExactlyElementsOf(revisionsOf(A, 1, 25));
    assertThat(outbox.marks()).extracting(List::size).containsExactly(10, 10, 5);
  }

  @Test
  void whatWasReadAheadOfABatchThatFailedIsDroppedAndTheBacklogReadAgainInOrder() throws Exception {
    for (int revision = 1; revision <= 15; revision++) {
      outbox.append(A, revision);
    }
    AtomicBoolean kafkaDown = new AtomicBoolean(true);
    producer.failsInFlight = r -> revision(r) == 3 && kafkaDown.getAndSet(false);

    Round failed = loop.publishBatch(outbox);
    Round first = loop.publishBatch(outbox);
    Round second = loop.publishBatch(outbox);

    assertThat(List.of(failed, first, second))
        .containsExactly(Round.KAFKA_FAILED, Round.FULL, Round.DRAINED);
    assertThat(events())
        .as("revisions 11 to 15, read ahead of the failed batch, waited for 1 to 10")
        .containsExactlyElementsOf(revisionsOf(A, 1, 15));
    assertThat(outbox.pendingIds()).isEmpty();
  }

  @Test
  void aFailedBatchIsNotMarkedAndGoesAgainAfterTheBackoff() throws Exception {
    long a1 = outbox.append(A, 1);
    long b1 = outbox.append(B, 1);
    AtomicBoolean kafkaDown = new AtomicBoolean(true);
    producer.failsInFlight = r -> kafkaDown.getAndSet(false);
    pauses.stopWhen = () -> outbox.pendingIds().isEmpty();

    loop.lead(outbox);

    assertThat(pauses.recorded()).containsExactly(FIRST_BACKOFF);
    assertThat(outbox.marks()).as("marked once, after the retry").containsExactly(List.of(a1, b1));
    assertThat(events()).containsExactly(A + "#1", B + "#1");
    assertThat(producer.closes).as("the failed producer is replaced").isEqualTo(1);
    assertThat(meters.get(OutageReport.PUBLISH_FAILURES).counter().count()).isEqualTo(1);
    assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
    assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
  }

  @Test
  void aLaterRevisionIsNeverPublishedWhileAnEarlierOneFailed() throws Exception {
    outbox.append(A, 1);
    outbox.append(A, 2);
    outbox.append(B, 1);
    outbox.append(A, 3);
    AtomicBoolean kafkaDown = new AtomicBoolean(true);
    producer.failsInFlight = r -> r.key().equals(A) && revision(r) == 2 && kafkaDown.get();

    Round failed = loop.publishBatch(outbox);

    assertThat(failed).isEqualTo(Round.KAFKA_FAILED);
    assertThat(report.isKafkaFailing()).isTrue();
    assertThat(producer.history()).as("the aborted batch left nothing visible").isEmpty();
    assertThat(outbox.pendingIds()).hasSize(4);

    kafkaDown.set(false);
    Round retried = loop.publishBatch(outbox);

    assertThat(retried).isEqualTo(Round.DRAINED);
    assertThat(events()).containsExactly(A + "#1", A + "#2", B + "#1", A + "#3");
    assertThat(report.isKafkaFailing()).isFalse();
  }

  @Test
  void aRecordTheBrokerRefusesAloneSetsItsRouteAsideWhileTheOtherRoutesGoOn() throws Exception {
    long a1 = outbox.append(A, 1);
    long b1 = outbox.append(B, 1);
    long a2 = outbox.append(A, 2);
    long c1 = outbox.append(C, 1);
    producer.rejectAtSend = r -> r.key().equals(A);

    Round refused = loop.publishBatch(outbox);
    Round others = loop.publishBatch(outbox);

    assertThat(refused).as("the other routes go again at once").isEqualTo(Round.FULL);
    assertThat(others).isEqualTo(Round.DRAINED);
    assertThat(events()).containsExactly(B + "#1", C + "#1");
    assertThat(outbox.marks()).containsExactly(List.of(b1, c1));
    assertThat(outbox.pendingIds()).containsExactly(a1, a2);
    assertThat(breaker.getMetrics().getNumberOfFailedCalls())
        .as("a refused record says nothing about Kafka's health")
        .isZero();
    assertThat(report.isKafkaFailing()).isFalse();
  }

  @Test
  void nothingIsSentWhileKafkasCircuitIsOpen() throws Exception {
    breaker.transitionToOpenState();
    long a1 = outbox.append(A, 1);

    Round round = loop.publishBatch(outbox);

    assertThat(round).isEqualTo(Round.CIRCUIT_OPEN);
    assertThat(producersOpened).isZero();
    assertThat(producer.sendAttempts).isZero();
    assertThat(outbox.pendingIds()).containsExactly(a1);
  }

  @Test
  void rowsWaitForAnOpenCircuitAndGoOutOnceItLetsAProbeThrough() throws Exception {
    breaker.transitionToOpenState();
    outbox.append(A, 1);
    Duration openWait = BreakerSettings.defaults(Dependency.KAFKA).waitInOpenState();
    pauses.stopWhen = () -> outbox.pendingIds().isEmpty();

    loop.lead(outbox);

    assertThat(pauses.recorded())
        .as("waits within the backoff's bounds")
        .allMatch(p -> p.compareTo(settings.maxBackoff()) <= 0);
    assertThat(pauses.recorded().stream().reduce(Duration.ZERO, Duration::plus))
        .isGreaterThanOrEqualTo(openWait);
    assertThat(events()).containsExactly(A + "#1");
  }

  @Test
  void anIdleLeaderProbesKafkaSoThatItsCircuitClosesWithoutAWrite() throws Exception {
    breaker.transitionToOpenState();
    clock.advance(BreakerSettings.defaults(Dependency.KAFKA).waitInOpenState().plusMillis(1));
    pauses.stopWhen = () -> breaker.getState() == CircuitBreaker.State.CLOSED;

    loop.lead(outbox);

    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aNotificationWakesTheLoopWithoutWaitingForThePollInterval() throws Exception {
    Instant start = clock.instant();
    outbox.writeWhileWaiting(() -> outbox.append(A, 1));
    pauses.stopWhen = () -> !producer.history().isEmpty();

    loop.lead(outbox);

    assertThat(events()).containsExactly(A + "#1");
    assertThat(clock.instant()).isEqualTo(start);
  }

  @Test
  void withoutANotificationARowWaitsOnePollInterval() throws Exception {
    Instant start = clock.instant();
    outbox.writeWhileWaiting(() -> outbox.appendWithoutNotify(A, 1));
    pauses.stopWhen = () -> !producer.history().isEmpty();

    loop.lead(outbox);

    assertThat(events()).containsExactly(A + "#1");
    assertThat(clock.instant()).isEqualTo(start.plus(settings.pollInterval()));
  }

  @Test
  void askedToStopItPublishesWhatIsStillPending() throws Exception {
    outbox.appendWithoutNotify(A, 1);
    outbox.appendWithoutNotify(B, 1);
    pauses.stopWhen = () -> true;

    loop.lead(outbox);

    assertThat(events()).containsExactly(A + "#1", B + "#1");
    assertThat(outbox.pendingIds()).isEmpty();
  }

  @Test
  void askedToStopWhileKafkaFailsItLeavesTheRowsPending() throws Exception {
    outbox.append(A, 1);
    producer.failsInFlight = r -> true;
    pauses.stopWhen = () -> !pauses.recorded().isEmpty();

    loop.lead(outbox);

    assertThat(producer.history()).isEmpty();
    assertThat(outbox.pendingIds()).hasSize(1);
    assertThat(producer.sendAttempts).as("no flush attempt while Kafka fails").isEqualTo(1);
  }

  @Test
  void aLeaderThatCannotPublishForTheGiveUpBoundGivesUpItsLeadershipLeavingTheRowsPending()
      throws Exception {
    outbox.append(A, 1);
    producer.failsInFlight = r -> true;
    Instant start = clock.instant();

    LeaderElection.Ending ending = loop.lead(outbox);

    assertThat(ending).isEqualTo(LeaderElection.Ending.GAVE_UP);
    assertThat(Duration.between(start, clock.instant()))
        .as("tried until the bound, not a pause longer")
        .isEqualTo(GIVE_UP);
    assertThat(outbox.pendingIds()).hasSize(1);
    assertThat(producer.history()).isEmpty();
  }

  private static List<String> revisionsOf(String route, int first, int last) {
    return IntStream.rangeClosed(first, last).mapToObj(r -> route + "#" + r).toList();
  }

  private List<String> events() {
    return producer.history().stream().map(r -> r.key() + "#" + revision(r)).toList();
  }
}
