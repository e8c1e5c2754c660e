package dev.trafficmanager.app.operate.verify;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Streams rows into a table with {@code COPY ... FROM STDIN} (text format), a buffer at a time: the
 * fastest way into PostgreSQL, and memory bounded by the buffer whatever the number of rows. The
 * connection does nothing else until {@link #close()}.
 */
final class CopyWriter implements AutoCloseable {
  private static final int BUFFER_BYTES = 64 * 1024;

  private final CopyIn copy;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(BUFFER_BYTES * 2);
  private final StringBuilder line = new StringBuilder(256);
  private long rows;

  CopyWriter(Connection connection, String table, String columns) throws SQLException {
    this.copy =
        connection
            .unwrap(PGConnection.class)
            .getCopyAPI()
            .copyIn("COPY " + table + " (" + columns + ") FROM STDIN");
  }

  /** One row; {@code null} is SQL NULL, booleans and numbers their text, anything else escaped. */
  void row(Object... values) throws SQLException {
    line.setLength(0);
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        line.append('\t');
      }
      append(values[i]);
    }
    line.append('\n');
    byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
    buffer.write(bytes, 0, bytes.length);
    rows++;
    if (buffer.size() >= BUFFER_BYTES) {
      flush();
    }
  }

  long rows() {
    return rows;
  }

  private void append(Object value) {
    if (value == null) {
      line.append("\\N");
      return;
    }
    String text = value.toString();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> line.append("\\\\");
        case '\t' -> line.append("\\t");
        case '\n' -> line.append("\\n");
        case '\r' -> line.append("\\r");
        default -> line.append(c);
      }
    }
  }

  private void flush() throws SQLException {
    if (buffer.size() > 0) {
      copy.writeToCopy(buffer.toByteArray(), 0, buffer.size());
      buffer.reset();
    }
  }

  /** Sends what is buffered and ends the copy; a copy that failed part-way is cancelled. */
  @Override
  public void close() throws SQLException {
    if (!copy.isActive()) {
      return;
    }
    try {
      flush();
      copy.endCopy();
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
  }
}
