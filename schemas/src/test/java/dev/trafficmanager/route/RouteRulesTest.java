package dev.trafficmanager.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouteRulesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://svc.internal",
        "https://svc.example.com:8443/path?q=1",
        "HTTPS://UPPER.example",
        "http://10.0.0.1:8080/"
      })
  void acceptsAbsoluteHttpAndHttpsUrls(String url) {
    assertThat(RouteRules.checkUrl("url", url)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ftp://files.example",
        "/relative/path",
        "svc.example.com",
        "http://",
        "http:/no-host",
        "javascript:alert(1)",
        "http://bad host/",
        ""
      })
  void rejectsEverythingElse(String url) {
    assertThat(RouteRules.checkUrl("url", url))
        .hasValueSatisfying(v -> assertThat(v.field()).isEqualTo("url"));
  }

  @ParameterizedTest
  @ValueSource(ints = {2048, 2049})
  void urlsAreAtMost2048Characters(int length) {
    String prefix = "https://svc.example/";
    String url = prefix + "a".repeat(length - prefix.length());

    assertThat(RouteRules.checkUrl("url", url).isPresent()).isEqualTo(length > 2048);
  }
}
