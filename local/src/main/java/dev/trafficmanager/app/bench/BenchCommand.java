package dev.trafficmanager.app.bench;

import dev.trafficmanager.app.operate.ProgressOption;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.ConsumerService;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.route.RouteKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench}: load-tests a running API and reports throughput and latency. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    subcommands = HelloServerCommand.class,
    usageHelpAutoWidth = true,
    description = {
      "Load-test a running API, in the spirit of Kafka's kafka-producer-perf-test: create --routes"
          + " routes (the create phase, timed), then run each scenario from --threads threads for"
          + " --warmup (not counted) and --duration, and report operations per second, latency"
          + " percentiles (p50, p90, p99, max) and the count of every HTTP status.",
      "writes: URL changes (PUT) to random routes of the run. Every write is a real change that"
          + " flows through the whole pipeline, so the processor and consumers may still be"
          + " catching up after the run.",
      "resolve: resolves of random routes of the run, with the cache tier that answered them, read"
          + " from the API's /metrics before and after (the counters of the one instance that"
          + " answers /metrics, for all its traffic in that time).",
      "all: the create phase, writes, resolve, and the ratio of resolve to write throughput.",
      "latency: the create phase, then URL changes at a fixed --rate (an open loop: each write is"
          + " due at its time whether or not earlier ones were answered) for --duration, each timed"
          + " from its acknowledgement (when the answer's headers arrive) to its record on"
          + " route-events, on route-changes, and to its message on the Redis invalidation channel"
          + " (p50, p99, max), waiting up to --grace for the last; with the acknowledged writes"
          + " never seen, the duplicates, and those that arrived before their acknowledgement"
          + " (counted, not timed) per stage. It"
          + " reads Kafka and Redis as the services do, from TM_KAFKA_BOOTSTRAP, TM_TOPIC_PREFIX,"
          + " TM_REDIS_URL and TM_REDIS_KEY_PREFIX.",
      "drain: commits --rows outbox rows over up to --routes new routes (with their routes rows,"
          + " as writes would have left them) in one transaction in TM_DB_URL, and times the"
          + " running relay publishing them all (rows/s).",
      "replay: runs a fresh --consumer (the service's own runner and handler) in this process"
          + " under a group of its own from the start of route-changes, and times it until it has"
          + " committed past every record the topic held at its start (records/s). Its effects are"
          + " the consumer's, idempotent; the group is deleted afterwards. Needs no API.",
      "client: a Java client (TrafficManagerClient) follows the run's tenant while 10 routes get"
          + " URL changes at --rate for --duration; reports the replica's lag, from a write's"
          + " acknowledgement to the replica answering it (p50, p99, max). Keep --rate under the"
          + " API's TM_WRITE_RATE_PER_TENANT (50/s by default).",
      "Operations per second and latency count 2xx answers; any other status is reported by"
          + " code, 503 as shed; a request without an answer (refused, timed out) as an error.",
      "Every run writes under a tenant of its own, bench-<8 hex digits>, so it never touches other"
          + " routes. At the end, also after Ctrl-C, it deactivates the routes it created; they"
          + " stay in the registry, inactive, with their events and audit entries.",
      "The API limits each tenant's writes (TM_WRITE_RATE_PER_TENANT, 50/s by default) and bench"
          + " writes under one tenant: to measure write throughput, run the API under test with"
          + " TM_WRITE_RATE_PER_TENANT=1000000, or its writes beyond the limit are reported as 429.",
    },
    footer = {
      "",
      "Exit status: 0 done; 1 the API is unreachable or not ready, no route could be created, or"
          + " some routes could not be deactivated; 2 invalid usage.",
      "",
      "Example:",
      "  traffic-manager bench --url http://localhost:8080 --threads 8 --duration 30s",
      "  traffic-manager bench --scenario latency --rate 500 --duration 20s --json"
    })
public final class BenchCommand implements Callable<Integer> {
  private static final int MAX_THREADS = 1000;
  private static final int MAX_ROUTES = 1_000_000;
  private static final Duration MAX_DURATION = Duration.ofDays(7);
  // How long Ctrl-C waits for the routes to be deactivated and the report printed.
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);
  private static final int MAX_BODY_SHOWN = 200;
  private static final int MAX_RATE = 100_000;
  private static final long MAX_ROWS = 100_000_000;

  /** The bearer token bench sends, unless {@code --token} gives one. */
  static final String TOKEN = "TM_TOKEN";

  // local's setting, read here to find the admin token local keeps.
  private static final String LOCAL_STATE_DIR = "TM_LOCAL_STATE_DIR";

  private final Settings settings;

  @Spec CommandSpec spec;

  @Option(
      names = "--url",
      paramLabel = "<url>",
      defaultValue = "http://localhost:8080",
      converter = HttpUrl.class,
      description = "The API's base URL. Default: ${DEFAULT-VALUE}.")
  URI url;

  @Option(
      names = "--token",
      paramLabel = "<token>",
      description =
          "The bearer token to send (it needs routes:write and routes:read for bench's tenants, so"
              + " admin in practice). Default: TM_TOKEN, else the admin token local keeps in"
              + " <TM_LOCAL_STATE_DIR>/admin-token (.traffic-manager/admin-token). Prefer TM_TOKEN:"
              + " a command line is visible to other users of the machine.")
  String token;

  @Option(
      names = "--threads",
      paramLabel = "<n>",
      defaultValue = "4",
      description =
          "Concurrent requests, one connection each. Default: ${DEFAULT-VALUE}. The API sheds"
              + " writes beyond TM_BULKHEAD_WRITES (10) in flight.")
  int threads;

  @Option(
      names = "--duration",
      paramLabel = "<duration>",
      defaultValue = "20s",
      converter = DurationOption.class,
      description =
          "How long each scenario is measured, e.g. 20s or 2m. Default: ${DEFAULT-VALUE}.")
  Duration duration;

  @Option(
      names = "--warmup",
      paramLabel = "<duration>",
      defaultValue = "5s",
      converter = DurationOption.class,
      description =
          "Load before each scenario's measurement, not counted. Default: ${DEFAULT-VALUE}.")
  Duration warmup;

  @Option(
      names = "--routes",
      paramLabel = "<n>",
      defaultValue = "1000",
      description =
          "Routes the run creates and then writes to and resolves. Default: ${DEFAULT-VALUE}.")
  int routes;

  @Option(
      names = "--scenario",
      paramLabel = "<scenario>",
      defaultValue = "all",
      converter = Workload.Converter.class,
      description =
          "writes, resolve, all, latency, drain, replay, watch or client. Default:"
              + " ${DEFAULT-VALUE}.")
  Workload workload;

  @Option(
      names = "--watchers",
      paramLabel = "<n>",
      defaultValue = "10000",
      description = "watch: blocking queries held open at once. Default: ${DEFAULT-VALUE}.")
  int watchers;

  @Option(
      names = "--rate",
      paramLabel = "<writes/s>",
      defaultValue = "100",
      description =
          "latency, watch and client: writes offered per second. Default: ${DEFAULT-VALUE}.")
  int rate;

  @Option(
      names = "--grace",
      paramLabel = "<duration>",
      defaultValue = "30s",
      converter = DurationOption.class,
      description =
          "latency: how long to wait after the last write for every acknowledged one to arrive at"
              + " every stage; what has not by then is reported never seen. Default:"
              + " ${DEFAULT-VALUE}.")
  Duration grace;

  @Option(
      names = "--rows",
      paramLabel = "<n>",
      defaultValue = "10000",
      description = "drain: outbox rows in the backlog. Default: ${DEFAULT-VALUE}.")
  long rows;

  @Option(
      names = "--consumer",
      paramLabel = "<name>",
      defaultValue = "cache-invalidation",
      description =
          "replay: cache-invalidation, cache-warming or audit-log. Default: ${DEFAULT-VALUE}.")
  String consumer;

  @Option(
      names = "--timeout",
      paramLabel = "<duration>",
      defaultValue = "10m",
      converter = DurationOption.class,
      description =
          "drain and replay: the longest to wait for the backlog to drain or the consumer to catch"
              + " up. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(
      names = "--json",
      description = "Print one JSON document on stdout instead of the table (progress: stderr).")
  boolean json;

  @Mixin ProgressOption progress;

  public BenchCommand(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Integer call() {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // With --json, stdout carries the document alone.
    PrintWriter notes = json ? err : out;
    if (workload == Workload.REPLAY) {
      return replay(out, err, notes);
    }
    RouteApi api = RouteApi.connect(url, bearerToken());
    Optional<String> notReady = notReady(api);
    if (notReady.isPresent()) {
      err.println("bench: " + notReady.get());
      return 1;
    }
    String tenant = String.format("bench-%08x", ThreadLocalRandom.current().nextInt());
    if (workload == Workload.WATCH) {
      try {
        new WatchBench(api, notes).run(tenant, watchers, rate, duration, () -> false).print(out);
        return 0;
      } catch (SetupFailed e) {
        err.println("bench: " + e.getMessage());
        return 1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        err.println("bench: interrupted");
        return 1;
      }
    }
    if (workload == Workload.CLIENT) {
      return client(api, tenant, out, err);
    }
    LoadRunner runner = new LoadRunner(api, threads, notes, progress.style());
    CountDownLatch finished = new CountDownLatch(1);
    Thread onCtrlC = new Thread(() -> stopAndWait(runner, finished), "bench-shutdown");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    try {
      return run(api, runner, tenant, out, err, notes);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("bench: interrupted");
      return 1;
    } finally {
      finished.countDown();
      removeShutdownHook(onCtrlC);
    }
  }

  private int run(
      RouteApi api,
      LoadRunner runner,
      String tenant,
      PrintWriter out,
      PrintWriter err,
      PrintWriter notes)
      throws InterruptedException {
    notes.printf(
        Locale.ROOT,
        "bench %s: tenant %s, %,d routes, %d threads, scenario %s, %s measured after %s warm-up"
            + " each%n",
        url,
        tenant,
        routes,
        threads,
        workload,
        Settings.format(duration),
        Settings.format(warmup));
    notes.flush();
    if (workload == Workload.DRAIN) {
      return drain(api, runner, tenant, out, err, notes);
    }
    CreateScenario create = new CreateScenario(api, tenant, routes);
    PhaseResult created = runner.untilDone(create, routes);
    List<RouteKey> runRoutes = create.created();
    if (runRoutes.isEmpty()) {
      err.printf(
          "bench: no route could be created (%s); nothing to measure.%n", created.failures());
      return 1;
    }
    PhaseResult writes = null;
    PhaseResult resolves = null;
    ResolveCache cache = null;
    PropagationResult latency = null;
    Deactivation.Result deactivated;
    try {
      if (workload == Workload.LATENCY && !runner.isStopped()) {
        latency =
            new LatencyRun(settings, notes)
                .measure(api, tenant, runRoutes, rate, duration, grace, runner::isStopped);
      }
      if (workload.writes() && !runner.isStopped()) {
        WriteScenario writing = new WriteScenario(api, runRoutes);
        runner.warmUp(writing, warmup);
        writes = runner.timed(writing, duration);
      }
      if (workload.resolve() && !runner.isStopped()) {
        ResolveScenario resolving = new ResolveScenario(api, runRoutes);
        runner.warmUp(resolving, warmup);
        Optional<MetricsText> before = scrape(api, notes);
        resolves = runner.timed(resolving, duration);
        Optional<MetricsText> after = scrape(api, notes);
        if (before.isPresent() && after.isPresent()) {
          cache = ResolveCache.between(before.get(), after.get());
        }
      }
    } finally {
      notes.printf(
          Locale.ROOT, "Deactivating the %,d routes of tenant %s…%n", runRoutes.size(), tenant);
      notes.flush();
      deactivated = new Deactivation(api, threads).deactivate(runRoutes);
    }
    BenchReport report =
        BenchReport.of(
                url.toString(),
                tenant,
                workload.toString(),
                threads,
                duration,
                warmup,
                runner.isStopped(),
                new BenchReport.Routes(routes, runRoutes.size(), deactivated.deactivated()),
                created,
                writes,
                resolves,
                cache)
            .with(latency, null, null);
    print(report, out);
    return deactivationFailed(deactivated, tenant, err) ? 1 : 0;
  }

  /** {@code client}: the replica lag of a Java client following the run's tenant. */
  private int client(RouteApi api, String tenant, PrintWriter out, PrintWriter err) {
    Optional<String> bearer = bearerToken();
    if (bearer.isEmpty()) {
      err.println("bench: the client scenario needs a token: --token, TM_TOKEN or local's");
      return 1;
    }
    try {
      new ClientBench(api, bearer.get(), json ? err : out)
          .run(tenant, rate, duration, () -> false)
          .print(out);
      return 0;
    } catch (SetupFailed e) {
      err.println("bench: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("bench: cannot reach the API at " + api.base() + ": " + Failures.describe(e));
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("bench: interrupted");
      return 1;
    }
  }

  /** {@code drain}: a backlog of new routes of the run's tenant, deactivated afterwards. */
  private int drain(
      RouteApi api,
      LoadRunner runner,
      String tenant,
      PrintWriter out,
      PrintWriter err,
      PrintWriter notes)
      throws InterruptedException {
    List<RouteKey> runRoutes = OutboxBacklog.routes(tenant, rows, routes);
    notes.printf(
        Locale.ROOT,
        "drain: %,d outbox rows over %,d routes in one transaction, then the relay publishes"
            + " them%n",
        rows,
        runRoutes.size());
    notes.flush();
    DrainResult drained;
    try {
      drained =
          new OutboxBacklog(DatabaseSettings.from(settings))
              .drain(runRoutes, rows, timeout, runner::isStopped);
    } catch (SQLException e) {
      err.println("bench: cannot write the outbox backlog: " + e.getMessage());
      return 1;
    }
    notes.printf(
        Locale.ROOT, "Deactivating the %,d routes of tenant %s…%n", runRoutes.size(), tenant);
    notes.flush();
    Deactivation.Result deactivated = new Deactivation(api, threads).deactivate(runRoutes);
    BenchReport report =
        BenchReport.of(
                url.toString(),
                tenant,
                workload.toString(),
                threads,
                Duration.ZERO,
                Duration.ZERO,
                runner.isStopped(),
                new BenchReport.Routes(
                    runRoutes.size(), runRoutes.size(), deactivated.deactivated()),
                null,
                null,
                null,
                null)
            .with(null, drained, null);
    print(report, out);
    return deactivationFailed(deactivated, tenant, err) || !drained.drained() ? 1 : 0;
  }

  /** {@code replay}: needs Kafka and the consumer's sink, not the API. */
  private int replay(PrintWriter out, PrintWriter err, PrintWriter notes) {
    notes.printf(
        Locale.ROOT,
        "replay: a fresh %s consumer from the start of route-changes, until it has caught up%n",
        consumer);
    notes.flush();
    try {
      ReplayResult replayed =
          new ConsumerReplay(settings).replay(consumer, timeout, this::interrupted);
      BenchReport report =
          BenchReport.of(
                  null,
                  null,
                  workload.toString(),
                  0,
                  Duration.ZERO,
                  Duration.ZERO,
                  false,
                  null,
                  null,
                  null,
                  null,
                  null)
              .with(null, null, replayed);
      print(report, out);
      return replayed.caughtUp() ? 0 : 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("bench: interrupted");
      return 1;
    } catch (KafkaException e) {
      err.println("bench: cannot replay route-changes: " + Failures.describe(e));
      return 1;
    }
  }

  private boolean interrupted() {
    return Thread.currentThread().isInterrupted();
  }

  private void print(BenchReport report, PrintWriter out) {
    if (json) {
      out.println(report.toJson());
    } else {
      new ReportTable(out).print(report);
    }
    out.flush();
  }

  private static boolean deactivationFailed(
      Deactivation.Result deactivated, String tenant, PrintWriter err) {
    if (deactivated.failed() > 0) {
      err.printf(
          Locale.ROOT,
          "bench: %,d routes of tenant %s could not be deactivated (%s); they stay active under"
              + " that tenant.%n",
          deactivated.failed(),
          tenant,
          deactivated.firstFailure());
      return true;
    }
    return false;
  }

  private void validate() {
    CommandLine cli = spec.commandLine();
    if (threads < 1 || threads > MAX_THREADS) {
      throw new CommandLine.ParameterException(
          cli, "--threads must be from 1 to " + MAX_THREADS + ", got " + threads);
    }
    if (routes < 1 || routes > MAX_ROUTES) {
      throw new CommandLine.ParameterException(
          cli,
          String.format(Locale.ROOT, "--routes must be from 1 to %,d, got %d", MAX_ROUTES, routes));
    }
    if (duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
      throw new CommandLine.ParameterException(
          cli, "--duration must be longer than 0 and at most 7d");
    }
    if (warmup.compareTo(MAX_DURATION) > 0) {
      throw new CommandLine.ParameterException(cli, "--warmup must be at most 7d");
    }
    if (rate < 1 || rate > MAX_RATE) {
      throw new CommandLine.ParameterException(
          cli, "--rate must be from 1 to " + MAX_RATE + ", got " + rate);
    }
    if (rows < 1 || rows > MAX_ROWS) {
      throw new CommandLine.ParameterException(
          cli, String.format(Locale.ROOT, "--rows must be from 1 to %,d, got %d", MAX_ROWS, rows));
    }
    if (!ConsumerService.names().contains(consumer)) {
      throw new CommandLine.ParameterException(
          cli,
          "--consumer must be one of "
              + String.join(", ", ConsumerService.names())
              + ", got "
              + consumer);
    }
  }

  /** {@code --token}, else {@code TM_TOKEN}, else the token {@code local} keeps, if any. */
  private Optional<String> bearerToken() {
    if (token != null) {
      return Optional.of(token.strip());
    }
    Optional<String> fromEnvironment = settings.optional(TOKEN);
    if (fromEnvironment.isPresent()) {
      return fromEnvironment;
    }
    Path kept =
        Path.of(settings.string(LOCAL_STATE_DIR, ".traffic-manager")).resolve("admin-token");
    try {
      return Files.isReadable(kept)
          ? Optional.of(Files.readString(kept, StandardCharsets.US_ASCII).strip())
          : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the admin token in " + kept, e);
    }
  }

  /** Why the run cannot start, or empty when the API answers ready. */
  private static Optional<String> notReady(RouteApi api) {
    try {
      HttpResponse<String> ready = api.get("/health/ready");
      if (ready.statusCode() != 200) {
        return Optional.of(
            String.format(
                "the API at %s is not ready: /health/ready answered %d %s",
                api.base(), ready.statusCode(), abbreviate(ready.body())));
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("cannot reach the API at " + api.base() + ": " + Failures.describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while checking the API at " + api.base());
    }
  }

  private static String abbreviate(String body) {
    String line = body.strip().replaceAll("\\s+", " ");
    return line.length() <= MAX_BODY_SHOWN ? line : line.substring(0, MAX_BODY_SHOWN) + "…";
  }

  /** The API's metrics, or empty (said on {@code notes}) when they cannot be read. */
  private static Optional<MetricsText> scrape(RouteApi api, PrintWriter notes)
      throws InterruptedException {
    try {
      HttpResponse<String> metrics = api.get("/metrics");
      if (metrics.statusCode() == 200) {
        return Optional.of(new MetricsText(metrics.body()));
      }
      notes.printf(
          "Note: /metrics answered %d; the resolve cache tiers are not reported.%n",
          metrics.statusCode());
    } catch (IOException e) {
      notes.printf(
          "Note: cannot read /metrics (%s); the resolve cache tiers are not reported.%n",
          Failures.describe(e));
    }
    return Optional.empty();
  }

  /**
   * Ctrl-C: stop sending, then let the main thread deactivate the run's routes and print what was
   * measured before the JVM halts.
   */
  private static void stopAndWait(LoadRunner runner, CountDownLatch finished) {
    runner.stop();
    try {
      finished.await(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeShutdownHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running (Ctrl-C): it is what waits for this thread.
    }
  }
}
