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
    byte[] json;
    try {
      // Bytes, not a String that Javalin would encode again: resolves answer tens of thousands of
      // these a second.
      json = mapper.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a response body is always serialisable", e);
    }
    ctx.status(status).contentType(ContentType.APPLICATION_JSON).result(json);
  }
}
