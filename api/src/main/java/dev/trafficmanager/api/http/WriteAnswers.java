package dev.trafficmanager.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.trafficmanager.api.idempotency.StoredAnswer;
import dev.trafficmanager.api.routes.Route;
import dev.trafficmanager.api.routes.WriteOutcome;
import dev.trafficmanager.event.SplitState;

/**
 * The HTTP answer to a write: 201 with the route (or split) when it was created, 200 with it
 * otherwise. The same bytes are stored for idempotent replay.
 */
public final class WriteAnswers {
  private final ObjectWriter routeJson;
  private final ObjectWriter splitJson;

  public WriteAnswers(ObjectMapper mapper) {
    this.routeJson = mapper.writerFor(Route.class);
    this.splitJson = mapper.writerFor(SplitState.class);
  }

  public StoredAnswer render(WriteOutcome outcome) {
    return answer(outcome.effect(), routeJson, outcome.route());
  }

  /** The answer to a split write: the split as the write left it (no weights once deleted). */
  public StoredAnswer renderSplit(SplitState split, WriteOutcome.Effect effect) {
    return answer(effect, splitJson, split);
  }

  private static StoredAnswer answer(WriteOutcome.Effect effect, ObjectWriter json, Object value) {
    int status = effect == WriteOutcome.Effect.CREATED ? 201 : 200;
    try {
      return new StoredAnswer(status, json.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a write's answer is always serialisable", e);
    }
  }
}
