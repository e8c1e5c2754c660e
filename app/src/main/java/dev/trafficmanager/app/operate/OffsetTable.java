package dev.trafficmanager.app.operate;

import dev.trafficmanager.app.operate.offsets.PartitionReset;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints a reset plan's partitions as Kafka's tools print offsets: one aligned row each. */
final class OffsetTable {
  private static final List<String> HEADER =
      List.of(
          "TOPIC",
          "PARTITION",
          "CURRENT-OFFSET",
          "NEW-OFFSET",
          "LOG-END-OFFSET",
          "RECORDS-TO-REPLAY");

  private OffsetTable() {}

  static void print(PrintWriter out, List<PartitionReset> partitions) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    for (PartitionReset p : partitions) {
      rows.add(
          List.of(
              p.partition().topic(),
              String.valueOf(p.partition().partition()),
              p.current().isPresent() ? String.valueOf(p.current().getAsLong()) : "-",
              String.valueOf(p.newOffset()),
              String.valueOf(p.logEnd()),
              String.valueOf(p.recordsToReplay())));
    }
    int[] widths = new int[HEADER.size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        line.append(cell);
        if (i < row.size() - 1) {
          line.append(" ".repeat(widths[i] - cell.length() + 2));
        }
      }
      out.println(line);
    }
  }
}
