package dev.trafficmanager.app.bench;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What a {@code replay} run measured: a fresh consumer of kind {@code consumer}, in group {@code
 * group}, from the start of the topic to having committed past every one of the {@code records}
 * records the topic held when it started ({@code caught_up} false if it gave up first). {@code
 * processed}: the records its runner counted as handled (dead-lettered ones included). {@code
 * records_per_second} spans the whole run, group join included; {@code steady_records_per_second}
 * starts when the first records had been handled.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record ReplayResult(
    String consumer,
    String group,
    String topic,
    long records,
    long processed,
    boolean caughtUp,
    double seconds,
    double recordsPerSecond,
    double steadyRecordsPerSecond) {}
