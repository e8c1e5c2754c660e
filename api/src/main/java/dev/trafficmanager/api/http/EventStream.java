package dev.trafficmanager.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.api.changes.Change;
import dev.trafficmanager.api.watch.ChangeSink;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One client's Server-Sent Events response. It opens (status, headers and a first {@code index}
 * event naming where the stream starts) only when the first event is written, so a stream refused
 * while it is set up (400, 410) is still answered as JSON. Each change is an event {@code change}
 * whose {@code id} is its index, so a client's {@code Last-Event-ID} resumes after it.
 */
final class EventStream implements ChangeSink {
  private final Context ctx;
  private final ObjectMapper mapper;
  private long start;
  private OutputStream out;

  EventStream(Context ctx, ObjectMapper mapper) {
    this.ctx = ctx;
    this.mapper = mapper;
  }

  synchronized void startingAt(long index) {
    this.start = index;
  }

  /** Sends the status, the headers and the first event, if not yet sent. */
  synchronized void open() throws IOException {
    if (out != null) {
      return;
    }
    HttpServletResponse res = ctx.res();
    res.setStatus(200);
    res.setCharacterEncoding("UTF-8");
    res.setContentType("text/event-stream");
    res.setHeader("Cache-Control", "no-cache");
    // nginx would otherwise buffer the stream.
    res.setHeader("X-Accel-Buffering", "no");
    res.setHeader(WatchEndpoints.INDEX_HEADER, String.valueOf(start));
    out = res.getOutputStream();
    write("id: " + start + "\nevent: index\ndata: {\"index\":" + start + "}\n\n");
  }

  @Override
  public synchronized void send(Change change) throws IOException {
    open();
    write(
        "id: "
            + change.index()
            + "\nevent: change\ndata: "
            + mapper.writeValueAsString(change)
            + "\n\n");
  }

  @Override
  public synchronized void heartbeat() throws IOException {
    open();
    write(": keep-alive\n\n");
  }

  @Override
  public void close() {
    // The subscription's future completes, and with it the response.
  }

  private void write(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
