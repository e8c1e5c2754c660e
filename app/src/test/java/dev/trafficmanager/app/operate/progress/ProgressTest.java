package dev.trafficmanager.app.operate.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final StringWriter written = new StringWriter();
  private final PrintWriter out = new PrintWriter(written);

  private Progress progress(long total, Progress.Style style) {
    return new Progress(
        out, "republish", "events", total, style, Duration.ofSeconds(5), nanos::get);
  }

  private void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  @Test
  void linesComeEveryIntervalWithCountRateAndEta() {
    Progress progress = progress(10_000, Progress.Style.LINES);

    advance(Duration.ofSeconds(2));
    progress.update(2_000);
    assertThat(written.toString()).isEmpty();

    advance(Duration.ofSeconds(3));
    progress.update(5_000);
    assertThat(written.toString())
        .isEqualTo("republish: 5000/10000 events (50%), 1000 events/s, ETA 0:05\n");

    advance(Duration.ofSeconds(1));
    progress.update(6_000);
    assertThat(written.toString().lines()).hasSize(1);

    advance(Duration.ofSeconds(4));
    progress.finish();
    assertThat(written.toString().lines())
        .last()
        .isEqualTo("republish: 6000/10000 events (60%), 600 events/s, ETA 0:07");
  }

  @Test
  void theBarRedrawsOneLineInPlaceAndEndsItWhenFinished() {
    Progress progress = progress(100, Progress.Style.BAR);

    advance(Duration.ofSeconds(1));
    progress.update(50);
    advance(Duration.ofSeconds(1));
    progress.update(100);
    progress.finish();

    String output = written.toString();
    assertThat(output)
        .startsWith("\r[###############...............] 50/100 events (50%), 50 events/s, ETA 0:01")
        .contains("\r[##############################] 100/100 events (100%), 50 events/s, ETA 0:00")
        .endsWith("\n");
    assertThat(output.chars().filter(c -> c == '\n').count()).as("newlines").isEqualTo(1);
  }

  @Test
  void theBarIsDrawnAtMostFiveTimesASecond() {
    Progress progress = progress(1_000, Progress.Style.BAR);

    for (int i = 1; i <= 100; i++) {
      advance(Duration.ofMillis(10));
      progress.update(i);
    }

    assertThat(written.toString().chars().filter(c -> c == '\r').count()).isEqualTo(5);
  }

  @Test
  void noneDrawsNothingButStillCounts() {
    Progress progress = progress(10, Progress.Style.NONE);

    advance(Duration.ofSeconds(10));
    progress.update(10);
    progress.finish();

    assertThat(written.toString()).isEmpty();
    assertThat(progress.done()).isEqualTo(10);
    assertThat(progress.ratePerSecond()).isEqualTo(1.0);
  }

  @Test
  void withoutATotalThereIsNoPercentageAndNoEta() {
    Progress progress = progress(-1, Progress.Style.LINES);

    advance(Duration.ofSeconds(5));
    progress.update(250);

    assertThat(written.toString()).isEqualTo("republish: 250 events, 50 events/s\n");
  }

  @Test
  void etaIsUnknownBeforeAnythingIsDoneAndHoursAreShown() {
    Progress progress = progress(100_000, Progress.Style.LINES);
    advance(Duration.ofSeconds(5));
    progress.update(0);
    advance(Duration.ofSeconds(5));
    progress.update(10);

    assertThat(written.toString().lines())
        .containsExactly(
            "republish: 0/100000 events (0%), 0 events/s, ETA unknown",
            "republish: 10/100000 events (0%), 1 events/s, ETA 27:46:30");
  }

  @Test
  void stylesAreReadByName() {
    assertThat(Progress.Style.parse("bar")).isEqualTo(Progress.Style.BAR);
    assertThat(Progress.Style.parse("LINES")).isEqualTo(Progress.Style.LINES);
    assertThat(Progress.Style.parse("none")).isEqualTo(Progress.Style.NONE);
    // The test JVM has no console, as under a pipe or in a container.
    assertThat(Progress.Style.parse("auto")).isEqualTo(Progress.Style.LINES);
    assertThatThrownBy(() -> Progress.Style.parse("fancy"))
        .hasMessageContaining("'fancy' is not a progress style");
  }
}
