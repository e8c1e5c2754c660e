package dev.trafficmanager.app.bench;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The counters of a Prometheus text exposition ({@code /metrics}), as much of the format as the
 * report needs: {@code name{label="value",…} 123.0}, comments and other metrics skipped.
 */
final class MetricsText {
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final String text;

  MetricsText(String text) {
    this.text = text;
  }

  /**
   * A counter's values summed by the value of one of its labels (over the other labels, such as
   * {@code service}); empty when the exposition has no sample of that counter.
   */
  Optional<Map<String, Long>> countsBy(String metric, String label) {
    Map<String, Long> counts = new TreeMap<>();
    boolean present = false;
    for (String line : text.split("\n", -1)) {
      if (!line.startsWith(metric + "{") && !line.startsWith(metric + " ")) {
        continue;
      }
      present = true;
      int labelsEnd = line.lastIndexOf('}');
      String labels = labelsEnd < 0 ? "" : line.substring(metric.length() + 1, labelsEnd);
      String[] value = line.substring(labelsEnd + 1).strip().split("\\s+", -1);
      counts.merge(labelValue(labels, label), Math.round(Double.parseDouble(value[0])), Long::sum);
    }
    return present ? Optional.of(counts) : Optional.empty();
  }

  private static String labelValue(String labels, String label) {
    Matcher m = LABEL.matcher(labels);
    while (m.find()) {
      if (m.group(1).equals(label)) {
        return m.group(2);
      }
    }
    return "";
  }
}
