package dev.trafficmanager.client;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link RouteReplica} in step with the API from one thread: lists the tenant's splits and
 * routes, then follows their changes with blocking watch queries from the lists' index, for as long
 * as it runs.
 *
 * <p>Failures never stop it. An instance that does not answer is left for the next base URL after a
 * pause ({@link Backoff}, bounded), and the watch goes on from the same index there: an index is
 * valid on every instance and across restarts. A 410 (the index is older than the API keeps)
 * relists at once; until the new list is complete the replica keeps answering from the old one. A
 * refusal (401/403) is kept as the last failure and retried with the same backoff, since a token
 * can be granted the scope while the client runs.
 */
final class ReplicaFollower implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaFollower.class);

  private final String tenant;
  private final ApiConnection api;
  private final BaseUrls instances;
  private final RouteReplica replica;
  private final Backoff backoff;
  private final Duration watchWait;
  private final Clock clock;
  private volatile String lastFailure;
  private boolean listed;

  ReplicaFollower(
      String tenant,
      ApiConnection api,
      BaseUrls instances,
      RouteReplica replica,
      Backoff backoff,
      Duration watchWait,
      Clock clock) {
    this.tenant = tenant;
    this.api = api;
    this.instances = instances;
    this.replica = replica;
    this.backoff = backoff;
    this.watchWait = watchWait;
    this.clock = clock;
  }

  /** Runs until its thread is interrupted. */
  @Override
  public void run() {
    // After a list, the first query answers at once, so the replica is confirmed current without
    // waiting out a blocking query on a quiet tenant.
    Duration wait = Duration.ZERO;
    while (!Thread.currentThread().isInterrupted()) {
      URI instance = instances.current();
      try {
        if (!listed) {
          list(instance);
          listed = true;
          wait = Duration.ZERO;
        }
        long from = replica.index();
        WatchedChanges answer = api.watch(instance, from, wait);
        answer.states().forEach(replica::apply);
        replica.advanceTo(answer.index());
        // A full answer says that more changes may be waiting, not that there are none.
        if (answer.changes() < ApiConnection.MAX_PAGE) {
          replica.confirmedCurrent(clock.instant());
        }
        if (answer.changes() > 0) {
          log.debug(
              "event=replica_changes tenant={} changes={} index={}",
              tenant,
              answer.changes(),
              answer.index());
        }
        wait = watchWait;
        succeeded();
      } catch (IndexGoneException e) {
        log.info(
            "event=replica_relist tenant={} index={} instance={} reason=index_gone",
            tenant,
            replica.index(),
            instance);
        listed = false;
      } catch (InstanceUnavailableException e) {
        instances.failed(e.instance());
        if (!pause("instance_unavailable", e)) {
          return;
        }
      } catch (TrafficManagerException e) {
        if (!pause("refused", e)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // Not a failure we know: logged with its stack trace, and the loop goes on.
        log.error("event=replica_failed tenant={} instance={}", tenant, instance, e);
        if (!pause("unexpected", e)) {
          return;
        }
      }
    }
  }

  /** Why the last request failed; empty once one succeeded again. */
  Optional<String> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  private void list(URI instance) throws InterruptedException {
    // Splits first: the routes' pages are then at the splits' index or later, so the watch from the
    // lower index (the splits') misses no change, brings again only changes the route pages may
    // already show (the replica keeps the higher revision), and never an older change of a split
    // the list left out because it was deleted.
    ListedSplits splits = api.listSplits(instance);
    List<RouteEntry> routes = new ArrayList<>();
    ListedPage page = api.list(instance, Optional.empty());
    long index = Math.min(splits.index(), page.index());
    routes.addAll(page.routes());
    while (page.nextCursor().isPresent()) {
      page = api.list(instance, page.nextCursor());
      routes.addAll(page.routes());
    }
    replica.replaceAll(routes, splits.splits(), index);
    log.info(
        "event=replica_listed tenant={} routes={} splits={} index={} instance={}",
        tenant,
        routes.size(),
        splits.splits().size(),
        index,
        instance);
  }

  private void succeeded() {
    if (lastFailure != null) {
      log.info("event=replica_recovered tenant={} instance={}", tenant, instances.current());
      lastFailure = null;
    }
    backoff.reset();
  }

  /** Records the failure and pauses; false when interrupted while pausing. */
  private boolean pause(String reason, RuntimeException failure) {
    lastFailure = failure.getMessage();
    Duration pause = backoff.next();
    log.warn(
        "event=replica_request_failed tenant={} reason={} next_instance={} retry_in_ms={}"
            + " error=\"{}\"",
        tenant,
        reason,
        instances.current(),
        pause.toMillis(),
        failure.getMessage());
    try {
      Thread.sleep(pause.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
