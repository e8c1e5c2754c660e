package dev.trafficmanager.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

class JettyVersionTest {
  /**
   * Javalin 6.7 brings Jetty 11.0.25, which parses requests in a way a proxy in front can be
   * smuggled past; the parent pom overrides it. A Javalin upgrade that brings its own older Jetty
   * would silently undo that.
   */
  @Test
  void theServersRunOnAJettyWithTheLastJetty11Fixes() {
    Runtime.Version running = Runtime.Version.parse(Server.getVersion());

    assertThat(running).isGreaterThanOrEqualTo(Runtime.Version.parse("11.0.26"));
  }
}
