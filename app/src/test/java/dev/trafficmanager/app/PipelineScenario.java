package dev.trafficmanager.app;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.event.Action;
import dev.trafficmanager.event.RouteChange;
import dev.trafficmanager.event.RouteEvent;
import dev.trafficmanager.route.CacheEntry;
import dev.trafficmanager.route.RouteKey;
import dev.trafficmanager.testkit.TestTokens;
import dev.trafficmanager.testkit.TopicReader;
import dev.trafficmanager.topic.EventHeaders;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * The walking skeleton's promise, checked against a running pipeline however it was started:
 * create, resolve through the cache, deactivate, and see the cache entry go and the route stop
 * resolving without waiting for the TTL, with revisions 1 and 2 on the event log and the change
 * stream, the request's correlation id on the records and in the audit log.
 */
final class PipelineScenario {
  private static final ObjectMapper json = new ObjectMapper();
  private static final String URL = "https://checkout.acme.example/v1";

  private final HttpClient http = HttpClient.newHttpClient();
  private final String baseUrl;
  private final KafkaSettings kafka;
  private final RedisSettings redis;
  private final TopicReader topics;
  private final String token;

  /** A scenario against the API on {@code httpPort}, with an admin token made in its database. */
  PipelineScenario(int httpPort, Settings settings) {
    this.baseUrl = "http://localhost:" + httpPort;
    this.token = TestTokens.admin(settings);
    this.kafka = KafkaSettings.from(settings);
    this.redis = RedisSettings.from(settings);
    this.topics = new TopicReader(kafka, ofSeconds(10));
  }

  void createResolveDeactivate() throws Exception {
    RouteKey route = new RouteKey("acme", "checkout", "prod", "v1");
    String cacheKey = redis.keys().route(route);
    String body =
        """
        {"tenant":"acme","service":"checkout","env":"prod","version":"v1","url":"%s"}"""
            .formatted(URL);

    String correlationId = "e2e-" + UUID.randomUUID();
    HttpResponse<String> created = post("/api/v1/routes", body, correlationId);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("X-Correlation-ID")).contains(correlationId);
    assertThat(json.readTree(created.body()).get("revision").asLong()).isEqualTo(1);

    // The creation's own invalidation must have passed before the cache is filled, or it would
    // delete the entry this scenario is about to look for.
    awaitFirstChangeConsumed("tm-cache-invalidation");
    HttpResponse<String> resolved = get(resolvePath());
    assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
    assertThat(json.readTree(resolved.body()).get("url").asText()).isEqualTo(URL);

    try (RedisClient client = redis.newClient();
        StatefulRedisConnection<String, String> connection = client.connect()) {
      assertThat(connection.sync().exists(cacheKey)).as("cache filled by resolve").isEqualTo(1);

      HttpResponse<String> deactivated =
          post(
              "/api/v1/routes/deactivate",
              """
              {"tenant":"acme","service":"checkout","env":"prod","version":"v1"}""");
      assertThat(deactivated.statusCode()).as(deactivated.body()).isEqualTo(200);
      assertThat(json.readTree(deactivated.body()).get("revision").asLong()).isEqualTo(2);

      // The positive entry lives 60 s; its going well within that is the invalidation (deleted,
      // or replaced by cache-warming's negative entry of revision 2).
      await("the positive cache entry is gone")
          .atMost(ofSeconds(30))
          .until(() -> resolvesFromCache(connection.sync().get(cacheKey)) == false);
    }
    assertThat(get(resolvePath()).statusCode()).as("deactivated route resolves").isEqualTo(404);

    List<ConsumerRecord<String, RouteEvent>> eventRecords =
        topics.readAll(kafka.topics().routeEvents());
    assertThat(header(eventRecords.get(0), EventHeaders.CORRELATION_ID)).isEqualTo(correlationId);
    List<RouteEvent> events = values(eventRecords);
    assertThat(events)
        .extracting(RouteEvent::revision, RouteEvent::action, RouteEvent::active)
        .containsExactly(tuple(1L, Action.CREATED, true), tuple(2L, Action.DEACTIVATED, false));

    List<RouteChange> changes =
        await("both changes on route-changes")
            .atMost(ofSeconds(30))
            .until(() -> values(topics.readAll(kafka.topics().routeChanges())), c -> c.size() >= 2);
    assertThat(changes).hasSize(2);
    assertThat(changes.get(0).revision()).isEqualTo(1);
    assertThat(changes.get(0).previous()).isNull();
    assertThat(changes.get(0).current().active()).isTrue();
    assertThat(changes.get(1).revision()).isEqualTo(2);
    assertThat(changes.get(1).previous()).isEqualTo(changes.get(0).current());
    assertThat(changes.get(1).current().active()).isFalse();
    assertThat(changes.get(1).current().url()).isEqualTo(URL);
    assertThat(changes.get(0).correlationId()).isEqualTo(correlationId);

    JsonNode history =
        await("both changes in the audit log")
            .atMost(ofSeconds(30))
            .until(
                () -> json.readTree(get(auditPath()).body()).get("items"),
                items -> items != null && items.size() == 2);
    assertThat(history.get(0).get("revision").asLong()).isEqualTo(2);
    assertThat(history.get(1).get("revision").asLong()).isEqualTo(1);
    assertThat(history.get(1).get("correlation_id").asText()).isEqualTo(correlationId);
    // The token's name is the actor, from the write to the audit log.
    assertThat(history.get(1).get("actor").asText()).isEqualTo("test-admin");
  }

  private static boolean resolvesFromCache(String value) {
    return value != null && CacheEntry.parse(value).resolves();
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static String auditPath() {
    return "/api/v1/audit/route?tenant=acme&service=checkout&env=prod&version=v1";
  }

  /** Waits until the consumer group has committed past the first change of the route. */
  private void awaitFirstChangeConsumed(String group) {
    ConsumerRecord<String, RouteChange> first =
        await("the first change on route-changes")
            .atMost(ofSeconds(30))
            .until(() -> topics.readAll(kafka.topics().routeChanges()), c -> !c.isEmpty())
            .get(0);
    TopicPartition partition = new TopicPartition(first.topic(), first.partition());
    await("the " + group + " consumer has committed past the first change")
        .atMost(ofSeconds(30))
        .until(() -> committedOffset(kafka.groupId(group), partition) > first.offset());
  }

  private long committedOffset(String groupId, TopicPartition partition) throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties("scenario-admin"))) {
      OffsetAndMetadata committed =
          admin
              .listConsumerGroupOffsets(groupId)
              .partitionsToOffsetAndMetadata()
              .get()
              .get(partition);
      return committed == null ? -1 : committed.offset();
    }
  }

  private static String resolvePath() {
    return "/api/v1/routes/resolve?tenant=acme&service=checkout&env=prod&version=v1";
  }

  private static <V> List<V> values(List<? extends ConsumerRecord<String, V>> records) {
    return records.stream().map(ConsumerRecord::value).toList();
  }

  HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return post(path, body, UUID.randomUUID().toString());
  }

  HttpResponse<String> post(String path, String body, String correlationId)
      throws IOException, InterruptedException {
    return send(
        jsonRequest(path)
            .header("X-Correlation-ID", correlationId)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> put(String path, String body) throws IOException, InterruptedException {
    return send(jsonRequest(path).PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> delete(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).DELETE());
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
  }

  private HttpRequest.Builder jsonRequest(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Content-Type", "application/json");
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    request.header("Authorization", "Bearer " + token);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
