package dev.trafficmanager.app.operate.verify;

import dev.trafficmanager.app.operate.offsets.GroupOffsets;
import dev.trafficmanager.app.operate.progress.Progress;
import dev.trafficmanager.cache.RedisSettings;
import dev.trafficmanager.config.KafkaSettings;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.ConsumerService;
import dev.trafficmanager.database.DatabaseSettings;
import dev.trafficmanager.processor.ProcessorConfig;
import dev.trafficmanager.topic.Topic;
import dev.trafficmanager.topic.Topics;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Checks that what PostgreSQL acknowledged, routes' and splits' revisions alike, reached every
 * stage of the pipeline, once and in order, on a live pipeline that keeps running meanwhile.
 *
 * <p>It reads in an order that makes every conclusion sound without stopping anything:
 *
 * <ol>
 *   <li>PostgreSQL's snapshot: the routes' and splits' revisions and the outbox's pending rows, in
 *       one repeatable-read transaction. Revisions written after it are not checked.
 *   <li>The processor's committed offsets on {@code route-events}.
 *   <li>The end of {@code route-events}, read up to it: the relay commits a batch's Kafka
 *       transaction before it deletes the batch from the outbox queue, so a revision that was not
 *       pending at the snapshot is below this end, or lost.
 *   <li>The ends of {@code route-changes} and {@code routes}: the processor commits its offsets in
 *       the transaction of its output, so an event below its offset has its change (and the route's
 *       state) below these ends, or the change is lost.
 *   <li>The cache-invalidation and audit-log consumers' committed offsets on {@code route-changes},
 *       then (while comparing) the audit log and Redis: each commits only after its effect, so a
 *       change below its offset has its audit row, and no cache entry older than it. Splits are
 *       compared after the routes, with {@code split_audit_log}; they have no Redis entry.
 * </ol>
 *
 * <p>Whatever a group has not passed yet is in flight, not lost. A later end only adds records, so
 * each end is read as late as the order allows: a transaction's commit markers reach its partitions
 * a moment after the producer (or, for its offsets, the group) saw it committed, and the snapshot's
 * indexing and the whole {@code route-events} scan stand between each commit seen and the end read
 * after it.
 *
 * <p>Memory: the topics stream into temporary tables in PostgreSQL (one poll's records and a 64 KiB
 * copy buffer at a time) and the comparison streams out of them by route key, {@value #BATCH}
 * routes at a time, so the JVM's share does not grow with the number of routes; PostgreSQL keeps
 * the tables on disk (about 100 bytes per record and route) until the connection closes.
 */
public final class Verifier {
  /** The client id of its Kafka clients and the application name of its PostgreSQL sessions. */
  public static final String CLIENT_ID = "tm-verify";

  private static final int BATCH = 500;
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

  private final DatabaseSettings database;
  private final KafkaSettings kafka;
  private final RedisSettings redis;

  public Verifier(Settings settings) {
    this.database = DatabaseSettings.from(settings);
    this.kafka = KafkaSettings.from(settings);
    this.redis = RedisSettings.from(settings);
  }

  /**
   * Checks the scope and reports what it found.
   *
   * @param findingLimit how many findings the report keeps (all are counted)
   * @throws SQLException when PostgreSQL cannot be read
   * @throws IllegalStateException when Kafka does not answer or a topic makes no progress
   * @throws IllegalArgumentException when a topic does not exist
   * @throws io.lettuce.core.RedisException when Redis cannot be read
   */
  public VerifyReport run(VerifyScope scope, int findingLimit, ProgressSink progress)
      throws SQLException {
    Objects.requireNonNull(scope, "scope");
    long startNanos = System.nanoTime();
    Topics topics = kafka.topics();
    try (Connection work = database.connect(CLIENT_ID);
        Admin admin = Admin.create(kafka.clientProperties(CLIENT_ID));
        CacheProbe cache = new CacheProbe(redis)) {
      EvidenceTables tables = new EvidenceTables(work);
      tables.create();
      Instant snapshotAt;
      try (Connection source = database.connect(CLIENT_ID)) {
        snapshotAt =
            new DatabaseSnapshot()
                .load(source, tables, scope, progress.start("snapshot", "routes", -1));
      }
      tables.snapshotLoaded(scope.since());

      GroupOffsets groups = new GroupOffsets(admin, ADMIN_TIMEOUT);
      TopicSpill spill =
          new TopicSpill(new TopicScan(kafka, STALL_TIMEOUT), tables, groups, scope, progress);
      List<String> notes = new ArrayList<>();
      CommittedOffsets processor =
          committed(
              groups, kafka.groupId(ProcessorConfig.APPLICATION_ID_BASE), topics.routeEvents());
      spill
          .spill(
              topics.routeEvents().name(),
              RecordRevision.ofEvents(),
              groups.offsets(topics.routeEvents().name(), OffsetSpec.latest()),
              EvidenceTables.EVENTS,
              EvidenceTables.RECORD_COLUMNS,
              TopicSpill.Columns.revision(Long::longValue))
          .ifPresent(notes::add);
      // Both after the processor's offsets, and a whole scan later: see the class comment.
      Map<TopicPartition, Long> changesEnd =
          groups.offsets(topics.routeChanges().name(), OffsetSpec.latest());
      Map<TopicPartition, Long> routesEnd =
          groups.offsets(topics.routes().name(), OffsetSpec.latest());
      Consumption consumption =
          new Consumption(
              processor,
              committed(
                  groups, consumerGroup(ConsumerService.CACHE_INVALIDATION), topics.routeChanges()),
              committed(groups, consumerGroup(ConsumerService.AUDIT_LOG), topics.routeChanges()));
      spill
          .spill(
              topics.routeChanges().name(),
              RecordRevision.ofChanges(),
              changesEnd,
              EvidenceTables.CHANGES,
              EvidenceTables.RECORD_COLUMNS,
              TopicSpill.Columns.revision(Long::longValue))
          .ifPresent(notes::add);
      // Compaction removes older records of a key, never its latest: nothing to note there.
      spill.spill(
          topics.routes().name(),
          topics.routes().valueSerde().deserializer(),
          routesEnd,
          EvidenceTables.STATES,
          EvidenceTables.STATE_COLUMNS,
          (key, state, partition, offset) ->
              new Object[] {key, state.url(), state.active(), state.revision(), partition, offset});
      tables.topicsLoaded();

      VerifyReport.Builder report = new VerifyReport.Builder(snapshotAt, findingLimit, notes);
      Progress compared = progress.start("compare", "routes", -1);
      List<RouteEvidence> batch = new ArrayList<>(BATCH);
      tables.forEachRoute(
          BATCH,
          route -> {
            batch.add(route);
            if (batch.size() == BATCH) {
              compare(batch, cache, consumption, report);
              compared.update(report.routes());
            }
          });
      compare(batch, cache, consumption, report);
      compared.update(report.routes());
      compared.finish();
      Progress comparedSplits = progress.start("compare", "splits", -1);
      tables.forEachSplit(
          BATCH,
          split -> {
            report.split(split, SplitCheck.check(split, consumption));
            comparedSplits.update(report.splits());
          });
      comparedSplits.finish();
      return report.build(Duration.ofNanos(System.nanoTime() - startNanos));
    }
  }

  /** Reads the batch's cache entries (after every group offset was read), checks and clears it. */
  private static void compare(
      List<RouteEvidence> batch,
      CacheProbe cache,
      Consumption consumption,
      VerifyReport.Builder report) {
    List<Optional<String>> entries =
        cache.read(batch.stream().map(RouteEvidence::routeKey).toList());
    for (int i = 0; i < batch.size(); i++) {
      RouteEvidence route = batch.get(i).withCacheValue(entries.get(i));
      report.route(route, RouteCheck.check(route, consumption));
    }
    batch.clear();
  }

  private String consumerGroup(String consumer) {
    return kafka.groupId(ConsumerService.groupBase(consumer));
  }

  private static CommittedOffsets committed(
      GroupOffsets groups, String groupId, Topic<String, ?> topic) {
    Map<Integer, Long> byPartition = new HashMap<>();
    groups
        .committedOffsets(groupId)
        .forEach(
            (partition, offset) -> {
              if (partition.topic().equals(topic.name())) {
                byPartition.put(partition.partition(), offset);
              }
            });
    return new CommittedOffsets(groupId, byPartition);
  }
}
