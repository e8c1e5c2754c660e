package dev.trafficmanager.client;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How current the client's replica is, for a health check or a metric.
 *
 * @param ready whether the replica holds a complete list of the tenant's routes and splits and
 *     answers resolves from memory; once ready it stays ready, also while no API instance answers
 *     (then {@code sinceConfirmedCurrent} grows)
 * @param index the tenant's change index the replica holds every change up to
 * @param routes routes held
 * @param splits splits held (deleted ones not counted)
 * @param lists how many times the tenant's routes and splits were listed: 1 after the start, one
 *     more per relist (an index the API no longer keeps, 410)
 * @param sinceConfirmedCurrent the time since an API instance last confirmed that the replica had
 *     every change (empty before the first confirmation): the replica's staleness is at most this.
 *     While healthy it stays below the watch wait ({@code watchWait}, 15 s by default), since every
 *     blocking query confirms it when it is answered
 * @param instance the base URL the client talks to now
 * @param lastFailure why the last request to the API failed, empty once one succeeded again
 */
public record ReplicaStatus(
    boolean ready,
    long index,
    int routes,
    int splits,
    long lists,
    Optional<Duration> sinceConfirmedCurrent,
    URI instance,
    Optional<String> lastFailure) {}
