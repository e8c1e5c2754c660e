package dev.trafficmanager.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.ContentType;
import io.javalin.http.Context;

/** Writes response bodies as JSON with the contracts' mapping (RFC 3339 timestamps). */
public final class JsonResponder {
  private final ObjectMapper mapper;

  public JsonResponder(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  public void send(Context ctx, int status, Object body) {
    String text;
    try {
      text = mapper.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a response body is always serialisable", e);
    }
    ctx.status(status).contentType(ContentType.APPLICATION_JSON).result(text);
  }
}
