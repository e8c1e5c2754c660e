/**
 * The outbox relay: moves events committed to the PostgreSQL {@code outbox} table (in the same
 * transaction as the route they describe) to the Kafka {@code route-events} topic.
 *
 * <p>Writers insert the row and run {@code NOTIFY} on {@link
 * dev.trafficmanager.api.outbox.OutboxStore#CHANNEL}; they never touch Kafka, so writes keep
 * succeeding while Kafka is down. {@link dev.trafficmanager.api.outbox.OutboxRelay} publishes
 * pending rows at least once, per route in revision order, from exactly one leader at a time.
 */
package dev.trafficmanager.api.outbox;
