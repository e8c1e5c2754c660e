package dev.trafficmanager.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.event.Action;
import dev.trafficmanager.event.JsonSerde;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.health.ComponentHealth;
import dev.trafficmanager.health.HealthStatus;
import dev.trafficmanager.kafka.DeadLetterDepth;
import dev.trafficmanager.kafka.DeadLetterDepthSettings;
import dev.trafficmanager.service.ServiceContext;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import dev.trafficmanager.topic.EventHeaders;
import dev.trafficmanager.topic.Topic;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServers.class)
class ProcessorServiceTest {
  private static final String ROUTE = "acme/checkout/prod/v1";
  private static final JsonSerde<RouteEvent> EVENTS = new JsonSerde<>(RouteEvent.class);

  @Test
  void twoEventsForOneRouteBecomeTwoCommittedChangesInRevisionOrder(TestEnvironment env) {
    env.createTopics();
    RouteEvent created = golden(Action.CREATED);
    RouteEvent deactivated = golden(Action.DEACTIVATED);
    Topic<String, RouteChange> routeChanges = env.topics().routeChanges();

    ProcessorService service = new ProcessorService(env.settings());
    try (service) {
      service.start();
      produce(env, created, deactivated);

      // env.readAll reads with isolation.level=read_committed: only what the EOS commits published.
      List<ConsumerRecord<String, RouteChange>> received =
          await("two route changes committed on " + routeChanges.name())
              .atMost(Duration.ofSeconds(60))
              .until(() -> env.readAll(routeChanges), records -> records.size() >= 2);

      assertThat(received).extracting(ConsumerRecord::key).containsOnly(ROUTE);
      assertThat(received).extracting(r -> r.value().revision()).containsExactly(1L, 2L);
      assertThat(received.get(0).value()).isEqualTo(RouteChange.of(created, null));
      assertThat(received.get(1).value()).isEqualTo(RouteChange.of(deactivated, created.state()));
      assertThat(header(received.get(1), EventHeaders.CORRELATION_ID))
          .isEqualTo(deactivated.correlationId());
      await("processor running").atMost(Duration.ofSeconds(30)).until(service::isRunning);
    }
    assertThat(service.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
  }

  @Test
  void startFailsNamingTheTopicsThatDoNotExist(TestEnvironment env) {
    try (ProcessorService service = new ProcessorService(env.settings())) {
      assertThatThrownBy(service::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(env.topics().routeEvents().name());
      assertThat(service.isRunning()).isFalse();
    }
  }

  @Test
  void healthIsUpWhileRunningAndDownBeforeStartAndAfterClose(TestEnvironment env) {
    env.createTopics();
    ProcessorService service = new ProcessorService(env.settings());
    try (service) {
      assertThat(service.health().status()).isEqualTo(HealthStatus.DOWN);
      assertThat(service.health().detail())
          .containsEntry("state", "created")
          .containsEntry("dlq_records", DeadLetterDepth.UNKNOWN);

      service.start();

      ComponentHealth running =
          await("processor healthy")
              .atMost(Duration.ofSeconds(60))
              .until(service::health, h -> h.status() == HealthStatus.UP);
      assertThat(running.name()).isEqualTo(ProcessorService.HEALTH_NAME);
      assertThat(running.detail())
          .containsEntry("application_id", env.kafka().groupId("traffic-manager-processor"))
          .containsKey("state");
    }
    assertThat(service.health().status()).isEqualTo(HealthStatus.DOWN);
    assertThat(service.health().detail()).containsEntry("state", "not_running");
  }

  @Test
  void anInvalidEventShowsInTheMetricsAndTheHealthAndTheMetersLeaveOnClose(TestEnvironment env) {
    env.createTopics();
    String dlq = env.topics().routeEventsDlq().name();
    try (ServiceContext context =
        ServiceContext.create(
            env.with(Map.of(DeadLetterDepthSettings.INTERVAL, "200ms")), "processor-test")) {
      try (ProcessorService service = new ProcessorService(context)) {
        service.start();
        produceRaw(env, "{not json".getBytes(StandardCharsets.UTF_8));

        // The pipeline's own counter is registered when its task starts, after the binding: the
        // refresh picks it up, and the invalid record counts in it.
        await("the pipeline's invalid-events counter scraped at 1")
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> context.metrics().scrape(),
                scrape ->
                    scrape
                        .lines()
                        .anyMatch(
                            line ->
                                line.startsWith("kafka_stream_route_pipeline_invalid_events_total{")
                                    && line.endsWith(" 1.0")));
        assertThat(context.metrics().scrape()).contains("kafka_stream_thread_process_total");

        // The invalid event's transaction also leaves a commit marker in the dead-letter topic:
        // the depth is at least the one record, and the processor stays up.
        ComponentHealth health =
            await("the dead-lettered event in the processor's health")
                .atMost(Duration.ofSeconds(60))
                .until(
                    service::health,
                    h -> h.detail().get("dlq_records") instanceof Long records && records >= 1);
        assertThat(health.status()).isEqualTo(HealthStatus.UP);
        assertThat(context.metrics().scrape())
            .containsPattern(
                "tm_dlq_depth_records\\{[^}]*topic=\"" + Pattern.quote(dlq) + "\"[^}]*} [1-9]");
      }

      String afterClose = context.metrics().scrape();
      assertThat(afterClose)
          .doesNotContain("kafka_stream_")
          .doesNotContain("tm_dlq_depth_records")
          .contains("jvm_memory_used_bytes");
    }
  }

  private static void produceRaw(TestEnvironment env, byte[] value) {
    env.write(List.of(new ProducerRecord<>(env.topics().routeEvents().name(), ROUTE, value)));
  }

  private static void produce(TestEnvironment env, RouteEvent... events) {
    String topic = env.topics().routeEvents().name();
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    for (RouteEvent event : events) {
      ProducerRecord<String, byte[]> record =
          new ProducerRecord<>(topic, ROUTE, EVENTS.serialize(topic, event));
      record.headers().add(EventHeaders.CORRELATION_ID, utf8(event.correlationId()));
      record.headers().add(EventHeaders.EVENT_TYPE, utf8(event.eventType()));
      records.add(record);
    }
    env.write(records);
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private static RouteEvent golden(Action action) {
    String name = "golden/" + action.wireName() + ".json";
    try (InputStream in = RouteEvent.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return EVENTS.deserialize("golden", in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
