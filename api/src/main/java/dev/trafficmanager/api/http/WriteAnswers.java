package dev.trafficmanager.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.trafficmanager.api.idempotency.StoredAnswer;
import dev.trafficmanager.api.routes.Route;
import dev.trafficmanager.api.routes.WriteOutcome;

/**
 * The HTTP answer to a write: 201 with the route when it was created, 200 with the route otherwise.
 * The same bytes are stored for idempotent replay.
 */
public final class WriteAnswers {
  private final ObjectWriter routeJson;

  public WriteAnswers(ObjectMapper mapper) {
    this.routeJson = mapper.writerFor(Route.class);
  }

  public StoredAnswer render(WriteOutcome outcome) {
    int status = outcome.effect() == WriteOutcome.Effect.CREATED ? 201 : 200;
    try {
      return new StoredAnswer(status, routeJson.writeValueAsString(outcome.route()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a route is always serialisable", e);
    }
  }
}
