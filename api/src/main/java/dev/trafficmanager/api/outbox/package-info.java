/**
 * The transactional outbox: events committed to the PostgreSQL {@code outbox} table in the same
 * transaction as the route they describe, and the relay that moves them to the Kafka {@code
 * route-events} topic.
 *
 * <p>Writers insert the row and run {@code NOTIFY} on {@link
 * dev.trafficmanager.api.outbox.OutboxStore#CHANNEL}; they never touch Kafka, so writes keep
 * succeeding while Kafka is down. {@link dev.trafficmanager.api.outbox.OutboxStore} holds every
 * statement on the outbox: the append, the relay's reads, marks and retention, the backlog and
 * republish's reads. {@link dev.trafficmanager.api.outbox.OutboxRelay} publishes pending rows at
 * least once, per route in revision order, from exactly one leader at a time; it wires a leader
 * election, a publish loop, a retention sweep and an outage report, each unit-tested on its own.
 */
package dev.trafficmanager.api.outbox;
