package dev.trafficmanager.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trafficmanager.config.InvalidSettingException;
import dev.trafficmanager.config.Settings;
import dev.trafficmanager.embedded.Ports;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A developer's own PostgreSQL, Redis or Kafka on a default port does not stop {@code local}. */
class LocalPortTest {
  private static final String VARIABLE = "TM_LOCAL_DB_PORT";

  @Test
  void aDefaultPortAnotherProcessHasIsReplacedByAFreeOne() throws Exception {
    try (ServerSocket other = new ServerSocket(0)) {
      LocalPort port = new LocalPort(VARIABLE, other.getLocalPort(), "PostgreSQL");

      int chosen = port.choose(new Settings(Map.of()));

      assertThat(chosen).isNotEqualTo(other.getLocalPort()).isPositive();
      assertThat(Ports.inUse(chosen)).isFalse();
    }
  }

  @Test
  void aFreeDefaultPortIsKept() {
    int free = Ports.freeIfZero(0);

    assertThat(new LocalPort(VARIABLE, free, "PostgreSQL").choose(new Settings(Map.of())))
        .isEqualTo(free);
  }

  @Test
  void aPortSetThatAnotherProcessHasIsAnErrorNamingTheVariable() throws Exception {
    try (ServerSocket other = new ServerSocket(0)) {
      String taken = Integer.toString(other.getLocalPort());
      LocalPort port = new LocalPort(VARIABLE, 5432, "PostgreSQL");

      assertThatThrownBy(() -> port.choose(new Settings(Map.of(VARIABLE, taken))))
          .isInstanceOf(InvalidSettingException.class)
          .hasMessageStartingWith(VARIABLE + "=" + taken + " is invalid")
          .hasMessageContaining("another process listens on port " + taken);
    }
  }

  @Test
  void zeroAsksForAnyFreePort() {
    int chosen =
        new LocalPort(VARIABLE, 5432, "PostgreSQL").choose(new Settings(Map.of(VARIABLE, "0")));

    assertThat(chosen).isPositive();
    assertThat(Ports.inUse(chosen)).isFalse();
  }
}
