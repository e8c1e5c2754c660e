package dev.trafficmanager.app.bench;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What a {@code drain} run measured: {@code rows} outbox rows of {@code routes} routes committed in
 * one transaction, and how long the running relay took to publish them all ({@code drained} false
 * if {@code pending} rows were left when the run gave up).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record DrainResult(
    long rows,
    int routes,
    double insertSeconds,
    boolean drained,
    long pending,
    double seconds,
    double rowsPerSecond) {}
