package dev.trafficmanager.consumers;

import dev.trafficmanager.config.Settings;
import dev.trafficmanager.consumers.runner.ChangeHandler;
import dev.trafficmanager.resilience.Dependency;
import java.util.Deque;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One kind of side-effect consumer: its name (its group is {@code tm-<name>}, its dead-letter topic
 * {@code route-changes.<name>.dlq}), the dependency its effect lives in with the failures that mean
 * an outage of it, and how to make its handler.
 *
 * @param isTransient true for a failure of the handler that says the sink is unavailable
 */
public record ConsumerDefinition(
    String name,
    Dependency sink,
    Predicate<RuntimeException> isTransient,
    HandlerFactory handlers) {

  public ConsumerDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(isTransient, "isTransient");
    Objects.requireNonNull(handlers, "handlers");
  }

  /** Reads what a handler needs from the settings, at construction, so that a bad one fails it. */
  @FunctionalInterface
  public interface HandlerFactory {
    /**
     * @throws dev.trafficmanager.config.InvalidSettingException if a setting cannot be used
     */
    Opener prepare(Settings settings);
  }

  /** Opens a handler and what it needs, at start. */
  @FunctionalInterface
  public interface Opener {
    /**
     * @param opened receives each thing opened, to be closed (last pushed first) when the consumer
     *     closes, or at once if opening fails
     */
    ChangeHandler open(Deque<AutoCloseable> opened);
  }
}
