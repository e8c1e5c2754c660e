package dev.trafficmanager.api.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.trafficmanager.api.auth.Scope;
import dev.trafficmanager.api.console.DeadLetterReader;
import dev.trafficmanager.api.console.ParkedRecord;
import dev.trafficmanager.api.console.PipelineReader;
import dev.trafficmanager.http.Endpoints;
import dev.trafficmanager.http.JsonResponder;
import dev.trafficmanager.http.StaticFiles;
import dev.trafficmanager.resilience.Compartment;
import dev.trafficmanager.resilience.Resilience;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Supplier;

/**
 * The operator console: {@code /console}, a static page (plain HTML and one script, no build step)
 * that reads the API's own JSON, and the two reads only it needs: {@code GET /api/v1/pipeline} (the
 * pipeline at a glance) and {@code GET /api/v1/dead-letters?topic=…} (a dead-letter topic's newest
 * records with the command that re-applies each). Both are read-only and run in the {@code audit}
 * bulkhead with the other operator reads; Kafka not answering is a 503 ({@code kafka_unreachable}).
 */
final class ConsoleEndpoints {
  static final String PIPELINE = "/api/v1/pipeline";
  static final String DEAD_LETTERS = "/api/v1/dead-letters";
  private static final String HERE = "/dev/trafficmanager/api/console/";
  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_LIMIT = 200;

  private final PipelineReader pipeline;
  private final DeadLetterReader deadLetters;
  private final Resilience resilience;
  private final JsonResponder json;
  private final Access access;
  private final byte[] page = StaticFiles.read(HERE + "console.html");
  private final StaticFiles files =
      new StaticFiles()
          .add("console.js", HERE + "console.js", "application/javascript")
          .add("console.css", HERE + "console.css", "text/css");

  ConsoleEndpoints(
      PipelineReader pipeline,
      DeadLetterReader deadLetters,
      Resilience resilience,
      JsonResponder json,
      Access access) {
    this.access = access;
    this.pipeline = pipeline;
    this.deadLetters = deadLetters;
    this.resilience = resilience;
    this.json = json;
  }

  void register(Endpoints endpoints) {
    endpoints.get("/console", ctx -> ctx.contentType(ContentType.TEXT_HTML).result(page));
    endpoints.get("/console/{asset}", ctx -> files.serve(ctx, ctx.pathParam("asset")));
    endpoints.get(
        PIPELINE,
        ctx -> {
          access.require(ctx, Scope.ADMIN);
          json.send(ctx, 200, inBulkhead(pipeline::read));
        });
    endpoints.get(DEAD_LETTERS, this::deadLetters);
  }

  private void deadLetters(Context ctx) {
    access.require(ctx, Scope.ADMIN);
    QueryParameters params = new QueryParameters(ctx);
    String topic = params.oneOf("topic", deadLetters.topics());
    int limit = params.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    params.rejectUnknown();
    params.requireValid();
    json.send(
        ctx, 200, new DeadLetterList(topic, inBulkhead(() -> deadLetters.newest(topic, limit))));
  }

  private <T> T inBulkhead(Supplier<T> read) {
    try {
      return resilience.bulkhead(Compartment.AUDIT).executeSupplier(read);
    } catch (PipelineReader.KafkaUnanswered e) {
      throw new ServiceUnavailableException("kafka_unreachable", e.getMessage());
    }
  }

  private record DeadLetterList(
      @JsonProperty("topic") String topic, @JsonProperty("items") List<ParkedRecord> items) {}
}
