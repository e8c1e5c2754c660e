package dev.trafficmanager.http;

import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fixed set of files from the classpath, each served under a name of its own: a page's scripts
 * and styles. Read once at start (they are small, and a jar that lacks one fails at start, not on
 * the first visit); a name not in the set is a 404, so no path from a request ever reaches the
 * classpath.
 */
public final class StaticFiles {
  private static final class File {
    private final byte[] bytes;
    private final String contentType;

    private File(byte[] bytes, String contentType) {
      this.bytes = bytes;
      this.contentType = contentType;
    }
  }

  private final Map<String, File> files = new LinkedHashMap<>();

  /** Adds {@code resource} (an absolute classpath name) under {@code name}. */
  public StaticFiles add(String name, String resource, String contentType) {
    files.put(name, new File(read(resource), contentType));
    return this;
  }

  /** Answers the file named {@code name}, or 404. */
  public void serve(Context ctx, String name) {
    File file = files.get(name);
    if (file == null) {
      throw new NotFoundResponse("no such file: " + name);
    }
    ctx.contentType(file.contentType).header("Cache-Control", "no-cache").result(file.bytes);
  }

  /** The bytes of a classpath resource. */
  public static byte[] read(String resource) {
    try (InputStream in = StaticFiles.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
