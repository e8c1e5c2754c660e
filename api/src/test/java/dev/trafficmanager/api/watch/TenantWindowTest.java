package dev.trafficmanager.api.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trafficmanager.api.changes.Change;
import dev.trafficmanager.api.changes.ChangeFilter;
import dev.trafficmanager.event.Action;
import dev.trafficmanager.event.RouteState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TenantWindowTest {
  private static final Instant T = Instant.parse("2026-12-05T12:00:00Z");

  private static Change change(long index, String service) {
    RouteState current =
        new RouteState("acme", service, "prod", "v1", "https://x.example", true, index, T);
    return new Change(
        index, Action.URL_CHANGED, "acme/" + service + "/prod/v1", index, null, current, T);
  }

  @Test
  void aParkedWaiterIsAnsweredByTheFirstMatchingChangeAndOnlyMovesPastOthers() {
    TenantWindow window = new TenantWindow("acme", 10, 5, 0);
    Waiter billing = new Waiter(new ChangeFilter(Optional.of("billing"), Optional.empty()), 5);
    window.park(billing, 0);

    TenantWindow.Deliveries first = window.append(List.of(change(6, "search")), 500);
    assertThat(first.answered()).isEmpty();
    assertThat(billing.position).isEqualTo(6);

    TenantWindow.Deliveries second =
        window.append(List.of(change(7, "billing"), change(8, "search")), 500);
    assertThat(second.answered()).containsExactly(billing);
    assertThat(second.answers().get(0).index()).isEqualTo(8);
    assertThat(second.answers().get(0).changes()).extracting(Change::index).containsExactly(7L);
    assertThat(window.waiting()).isZero();
  }

  @Test
  void theWindowHoldsItsCapacityAndAnOlderPositionIsNotCovered() {
    TenantWindow window = new TenantWindow("acme", 2, 0, 0);
    window.append(List.of(change(1, "a"), change(2, "a"), change(3, "a")), 500);

    assertThat(window.latest()).isEqualTo(3);
    assertThat(window.covers(0)).isFalse();
    assertThat(window.covers(1)).isTrue();
    assertThat(window.covers(4)).isFalse();
    assertThat(window.accepts(4)).isTrue();
    assertThat(window.after(1, ChangeFilter.ALL, 500).changes())
        .extracting(Change::index)
        .containsExactly(2L, 3L);
  }

  @Test
  void aChangeAlreadyHeldOrOutOfOrderIsNotAppendedTwice() {
    TenantWindow window = new TenantWindow("acme", 10, 0, 0);
    window.append(List.of(change(1, "a")), 500);
    window.append(List.of(change(1, "a"), change(3, "a")), 500);

    assertThat(window.latest()).isEqualTo(1);
    assertThat(window.after(0, ChangeFilter.ALL, 500).changes()).hasSize(1);
  }

  @Test
  void anAnswerStopsAtItsLimitAndNamesTheLastChangeItCarries() {
    TenantWindow window = new TenantWindow("acme", 10, 0, 0);
    window.append(List.of(change(1, "a"), change(2, "a"), change(3, "a")), 500);

    WatchAnswer answer = window.after(0, ChangeFilter.ALL, 2);

    assertThat(answer.changes()).extracting(Change::index).containsExactly(1L, 2L);
    assertThat(answer.index()).isEqualTo(2);
  }
}
