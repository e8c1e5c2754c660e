package dev.trafficmanager.api.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UnsupportedMediaTypeResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.BadMessageException;

/**
 * The body of a write, read with a bound. Javalin's own limit compares {@code Content-Length} only,
 * and a chunked request has none: read through Javalin it would be buffered whole, however large.
 * Here at most {@code limit + 1} bytes are read from the stream, whatever the headers say, and one
 * byte over is a 413 (and the connection is closed, so the rest is never read).
 *
 * <p>A write must say it is JSON ({@code Content-Type: application/json}, parameters allowed): a
 * {@code text/plain} or form POST is a "simple" request that a web page can make an insider's
 * browser send without a CORS preflight, so anything else is a 415 before the body is read.
 */
final class RequestBody {
  static final String JSON = "application/json";

  private RequestBody() {}

  /**
   * A reader of request bodies that refuses trailing garbage and duplicate keys: they make a body
   * ambiguous, so it is rejected rather than guessed at.
   */
  static ObjectReader strictReader(ObjectMapper mapper) {
    return mapper
        .reader()
        .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }

  /**
   * @throws UnsupportedMediaTypeResponse unless the request's media type is {@value #JSON}
   * @throws ContentTooLargeResponse when the body has more than {@code limit} bytes
   */
  static byte[] readJson(Context ctx, long limit) {
    requireJson(ctx.header("Content-Type"));
    long declared = ctx.req().getContentLengthLong();
    if (declared > limit) {
      throw tooLarge(ctx, limit);
    }
    try {
      InputStream in = ctx.req().getInputStream();
      byte[] bytes = in.readNBytes((int) limit + 1);
      if (bytes.length > limit) {
        throw tooLarge(ctx, limit);
      }
      return bytes;
    } catch (BadMessageException e) {
      // The body arrived slower than the server's minimum data rate: the client's fault, answered
      // with Jetty's status (408) instead of an internal error logged with its stack trace.
      throw new HttpResponseException(e.getCode(), e.getReason());
    } catch (IOException e) {
      // The body stopped coming (idle timeout) or the client went away.
      throw new HttpResponseException(
          e.getCause() instanceof TimeoutException ? 408 : 400,
          "the request body could not be read: " + e.getMessage());
    }
  }

  private static void requireJson(String contentType) {
    String mediaType =
        contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals(JSON)) {
      throw new UnsupportedMediaTypeResponse(
          "a write's Content-Type must be "
              + JSON
              + ", not "
              + (contentType == null ? "none" : contentType));
    }
  }

  private static ContentTooLargeResponse tooLarge(Context ctx, long limit) {
    // The unread rest of the body may be gigabytes: closing beats reading it to keep the
    // connection.
    ctx.header("Connection", "close");
    return new ContentTooLargeResponse("the request body is larger than " + limit + " bytes");
  }
}
