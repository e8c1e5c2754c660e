package dev.trafficmanager.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trafficmanager.split.SplitAssignment;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Resolves a tenant's routes from a local replica of its routes and splits, kept current by list +
 * watch on one background thread, and asks the HTTP API until the replica is ready (or when it is
 * turned off).
 *
 * <pre>{@code
 * try (TrafficManagerClient routes =
 *     TrafficManagerClient.builder()
 *         .baseUrl("http://tm-a:8080")
 *         .baseUrl("http://tm-b:8080")
 *         .token(System.getenv("TM_TOKEN"))
 *         .tenant("acme")
 *         .build()) {
 *   Optional<Resolution> checkout = routes.resolve("checkout", "prod", "v1");
 *   Optional<Resolution> sticky = routes.resolve("checkout", "prod", HashKey.of(user));
 * }
 * }</pre>
 *
 * <p>Guarantees: a change acknowledged by the API is in the replica as soon as the API instance the
 * client watches has it (one blocking query's round trip, milliseconds when that instance took the
 * write; at most the API's {@code TM_WATCH_POLL_INTERVAL}, 5 s, after another instance took it and
 * its Kafka signal was lost), plus the time to reach an instance when the one it talks to went away
 * (a pause of at most {@code maxBackoff}, 5 s, per instance tried). Per route, the replica never
 * goes back to an older revision, and per split neither (a deleted split cannot come back but by a
 * newer change). Its staleness is in {@link #replicaStatus()}.
 *
 * <p>A resolve without a version picks the version as the API does, by the service's split and the
 * same algorithm ({@link SplitAssignment}): for the same split and hash key the replica and every
 * API instance pick the same version.
 *
 * <p>Thread-safe. Once the replica is ready, every resolve is a lookup in memory that takes no lock
 * and does no I/O. {@link #close()} stops the thread.
 */
public final class TrafficManagerClient implements AutoCloseable {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  private final ApiConnection api;
  private final BaseUrls instances;
  private final RouteReplica replica;
  private final Optional<ReplicaFollower> follower;
  private final Optional<Thread> thread;
  private final Clock clock;

  private TrafficManagerClient(Builder settings, List<URI> urls) {
    this.clock = settings.clock;
    this.instances = new BaseUrls(urls);
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.requestTimeout)
            .build();
    this.api =
        new ApiConnection(
            http, settings.token, settings.tenant, settings.requestTimeout, new ObjectMapper());
    this.replica =
        new RouteReplica(() -> ThreadLocalRandom.current().nextInt(SplitAssignment.BUCKETS));
    if (settings.localReplica) {
      ReplicaFollower following =
          new ReplicaFollower(
              settings.tenant,
              api,
              instances,
              replica,
              new Backoff(Duration.ofMillis(100), settings.maxBackoff),
              settings.watchWait,
              clock);
      Thread running = new Thread(following, "tm-client-replica-" + settings.tenant);
      // A client never closed does not keep the JVM alive.
      running.setDaemon(true);
      running.start();
      this.follower = Optional.of(following);
      this.thread = Optional.of(running);
    } else {
      this.follower = Optional.empty();
      this.thread = Optional.empty();
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The route {@code service/env/version} of the tenant: from the replica once it is ready, else
   * from the API.
   *
   * @return empty when the route is unknown or inactive
   * @throws TrafficManagerException when the API must be asked and refuses (401, 403, 400) or no
   *     instance answers
   */
  public Optional<Resolution> resolve(String service, String env, String version) {
    return resolve(
        new ResolveRequest(service, env, Optional.of(version), Optional.<HashKey>empty()));
  }

  /**
   * The service's route in {@code env}, the version picked by the service's split at random by
   * weight ({@link Resolution#picked()} says which and why): from the replica once it is ready,
   * else from the API.
   *
   * @return empty when nothing resolves: the service has no split in {@code env}, or the picked
   *     version's route is unknown or inactive
   * @throws TrafficManagerException when the API must be asked and refuses or no instance answers
   */
  public Optional<Resolution> resolve(String service, String env) {
    return resolve(new ResolveRequest(service, env, Optional.empty(), Optional.empty()));
  }

  /**
   * As {@link #resolve(String, String)}, sticky: the same {@code hashKey} gets the same version
   * while the service's split stays, from the replica as from any API instance.
   */
  public Optional<Resolution> resolve(String service, String env, HashKey hashKey) {
    return resolve(new ResolveRequest(service, env, Optional.empty(), Optional.of(hashKey)));
  }

  private Optional<Resolution> resolve(ResolveRequest request) {
    Objects.requireNonNull(request.service(), "service");
    Objects.requireNonNull(request.env(), "env");
    return replica
        .answer(request)
        .map(LocalAnswer::resolution)
        .orElseGet(() -> fromAnyInstance(request));
  }

  /** The API's answer, from the current instance or, when it does not answer, the next ones. */
  private Optional<Resolution> fromAnyInstance(ResolveRequest request) {
    InstanceUnavailableException last = null;
    for (int attempt = 0; attempt < instances.size(); attempt++) {
      URI instance = instances.current();
      try {
        return api.resolve(instance, request);
      } catch (InstanceUnavailableException e) {
        instances.failed(instance);
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TrafficManagerException("interrupted while asking the API", e);
      } catch (IndexGoneException e) {
        throw new IllegalStateException("a resolve has no index", e);
      }
    }
    throw new TrafficManagerException(
        "no API instance answered; the last said: " + last.getMessage(), last);
  }

  /** How current the replica is: ready, its index, and the time since it was confirmed current. */
  public ReplicaStatus replicaStatus() {
    return new ReplicaStatus(
        replica.isReady(),
        replica.index(),
        replica.size(),
        replica.splits(),
        replica.lists(),
        replica.confirmedCurrentAt().map(at -> Duration.between(at, clock.instant())),
        instances.current(),
        follower.flatMap(ReplicaFollower::lastFailure));
  }

  /**
   * Waits until the replica is ready (it has listed the tenant's splits and routes once).
   *
   * @return false when it is not ready within {@code timeout}, or it is turned off
   */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return follower.isPresent() && replica.awaitReady(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops the replica's thread and waits for it (up to 5 s); resolves then go to the API. */
  @Override
  public void close() {
    if (thread.isEmpty()) {
      return;
    }
    thread.get().interrupt();
    try {
      thread.get().join(STOP_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Builds a client; every setting is checked by {@link #build()}, which names the bad one. */
  public static final class Builder {
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private final List<String> baseUrls = new ArrayList<>();
    private String token;
    private String tenant;
    private Duration watchWait = Duration.ofSeconds(15);
    private Duration requestTimeout = Duration.ofSeconds(5);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private boolean localReplica = true;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * An API instance ({@code http://host:port}); call once per instance. The client talks to one
     * at a time and moves to the next when it does not answer.
     */
    public Builder baseUrl(String url) {
      baseUrls.add(Objects.requireNonNull(url, "baseUrl"));
      return this;
    }

    /** The bearer token ({@code tm_…}); it needs {@code routes:read} for the tenant. */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /** The tenant whose routes the client resolves. */
    public Builder tenant(String tenant) {
      this.tenant = tenant;
      return this;
    }

    /** How long a blocking watch query waits for a change (500 ms to 5 min; default 15 s). */
    public Builder watchWait(Duration watchWait) {
      this.watchWait = watchWait;
      return this;
    }

    /** The longest a list or resolve request may take, and a connection (default 5 s). */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
      return this;
    }

    /** The longest pause between attempts when no instance answers (default 5 s). */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
      return this;
    }

    /**
     * Whether to keep a local replica (default true); without one, every resolve asks the API and
     * no thread is started.
     */
    public Builder localReplica(boolean localReplica) {
      this.localReplica = localReplica;
      return this;
    }

    /** The clock staleness is measured with (for tests). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * A started client: its replica's thread is listing the tenant's routes already.
     *
     * @throws IllegalArgumentException naming the first setting missing or invalid
     */
    public TrafficManagerClient build() {
      List<URI> urls = new ArrayList<>();
      if (baseUrls.isEmpty()) {
        throw new IllegalArgumentException("baseUrl: at least one API base URL is needed");
      }
      for (String url : baseUrls) {
        urls.add(checkedUrl(url));
      }
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException("token: a bearer token (tm_…) is needed");
      }
      token = token.strip();
      if (tenant == null || !TENANT.matcher(tenant).matches()) {
        throw new IllegalArgumentException(
            "tenant: must match " + TENANT.pattern() + ", got " + tenant);
      }
      if (watchWait.compareTo(Duration.ofMillis(500)) < 0
          || watchWait.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException(
            "watchWait: must be from 500 ms to 5 min, got " + watchWait);
      }
      requirePositive("requestTimeout", requestTimeout);
      requirePositive("maxBackoff", maxBackoff);
      return new TrafficManagerClient(this, urls);
    }

    private static URI checkedUrl(String url) {
      try {
        URI uri = new URI(url);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            || uri.getHost() == null) {
          throw new IllegalArgumentException(
              "baseUrl: must be an absolute http or https URL, got " + url);
        }
        return uri;
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("baseUrl: not a URL: " + url, e);
      }
    }

    private static void requirePositive(String name, Duration value) {
      if (value == null || value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(name + ": must be longer than 0, got " + value);
      }
    }
  }
}
