package dev.trafficmanager.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.event.EventJson;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's answer to what never reaches Javalin (a malformed request line, a bad header, a body that
 * arrives too slowly, an error in a filter) in the same JSON body as every other error ({@link
 * ErrorBody}), instead of Jetty's HTML page with its version, servlet name and stack trace.
 */
public final class JsonErrorHandler extends ErrorHandler {
  private static final ObjectMapper JSON = EventJson.newMapper();

  private JsonErrorHandler() {
    setShowStacks(false);
    setShowServlet(false);
  }

  /** Installs the handler as the server's, for errors outside every context. */
  public static void install(Server server) {
    server.setErrorHandler(new JsonErrorHandler());
  }

  /** A handler for a servlet context, whose errors do not reach the server's. */
  public static ErrorHandler forContext() {
    return new JsonErrorHandler();
  }

  @Override
  protected void generateAcceptableResponse(
      Request baseRequest,
      HttpServletRequest request,
      HttpServletResponse response,
      int code,
      String message)
      throws IOException {
    baseRequest.setHandled(true);
    response.setContentType("application/json");
    response.getOutputStream().write(body(code, message));
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    return ByteBuffer.wrap(body(status, reason));
  }

  private static byte[] body(int status, String message) {
    try {
      return JSON.writeValueAsBytes(
          ErrorBody.forStatus(status, message == null ? "request failed" : message));
    } catch (JsonProcessingException e) {
      // An ErrorBody of two strings always serialises.
      return "{\"error\":\"internal_error\"}".getBytes(StandardCharsets.UTF_8);
    }
  }
}
