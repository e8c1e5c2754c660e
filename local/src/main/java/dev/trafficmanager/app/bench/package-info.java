/**
 * {@code bench}: the project's reproducible benchmark, a load test of a running API in the spirit
 * of Kafka's {@code kafka-producer-perf-test}. {@link dev.trafficmanager.app.bench.BenchCommand}
 * creates a run's routes under a tenant of its own, runs each {@link
 * dev.trafficmanager.app.bench.Scenario} from a {@link dev.trafficmanager.app.bench.LoadRunner}
 * into a {@link dev.trafficmanager.app.bench.LatencyRecorder}, deactivates the routes and prints a
 * {@link dev.trafficmanager.app.bench.BenchReport}.
 */
package dev.trafficmanager.app.bench;
