package dev.trafficmanager.app.operate.offsets;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a reset moves a consumer group's offset on each partition, in the terms of Kafka's {@code
 * kafka-consumer-groups --reset-offsets}. Every target is clamped to the partition's log: never
 * before its first record, never past its end.
 */
public sealed interface OffsetTarget {

  /** A phrase for the plan's header. */
  String describe();

  /**
   * The first record whose timestamp is at or after {@code at}; the log end where there is none.
   */
  record ToDatetime(Instant at) implements OffsetTarget {
    public ToDatetime {
      Objects.requireNonNull(at, "at");
    }

    @Override
    public String describe() {
      return "to " + at + " (the first record at or after it; the log end where there is none)";
    }
  }

  /** The same absolute offset on every partition. */
  record ToOffset(long offset) implements OffsetTarget {
    @Override
    public String describe() {
      return "to offset " + offset;
    }
  }

  /** The first record still in the log. */
  record ToEarliest() implements OffsetTarget {
    @Override
    public String describe() {
      return "to the earliest offset";
    }
  }

  /**
   * The committed offset moved by {@code delta} (negative: back, to replay). A partition without a
   * committed offset counts from the log start, where the consumers begin ({@code
   * auto.offset.reset=earliest}).
   */
  record ShiftBy(long delta) implements OffsetTarget {
    @Override
    public String describe() {
      return "shifted by " + delta;
    }
  }
}
