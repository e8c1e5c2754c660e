package dev.trafficmanager.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
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
        "https://user:secret@svc.example/",
        "https://token@svc.example",
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

  @ParameterizedTest
  @ValueSource(ints = {253, 254})
  void hostsAreAtMost253Characters(int length) {
    String host = "a.".repeat(123) + "example" + "s".repeat(length - 253);

    assertThat(RouteRules.checkUrl("url", "https://" + host + "/").isPresent())
        .isEqualTo(length > 253);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:8080/",
        "http://169.254.169.254/latest/meta-data",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "http://172.16.5.4/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://localhost:8080/",
        "http://api.localhost/",
        "http://0177.0.0.1/"
      })
  void privateTargetsAreRefusedUnlessAllowed(String url) {
    assertThat(RouteRules.checkUrl("url", url)).isEmpty();
    assertThat(RouteRules.checkTarget("url", url, false))
        .hasValueSatisfying(v -> assertThat(v.field()).isEqualTo("url"));
    assertThat(RouteRules.checkTarget("url", url, true)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://svc.example.com/",
        "http://8.8.8.8/",
        "http://[2001:db8::1]/",
        "http://10x.example/"
      })
  void publicTargetsAreAccepted(String url) {
    assertThat(RouteRules.checkTarget("url", url, false)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ops-bot", "Jane Doe <jane@example.com>", "x"})
  void acceptsAPrintableActor(String actor) {
    assertThat(RouteRules.checkActor("X-Actor", actor)).isEmpty();
    assertThat(RouteRules.checkActor("X-Actor", "a".repeat(256))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "line\nbreak", "tab\there"})
  void rejectsABlankActorOrOneWithControlCharacters(String actor) {
    assertThat(RouteRules.checkActor("X-Actor", actor))
        .hasValueSatisfying(v -> assertThat(v.field()).isEqualTo("X-Actor"));
    assertThat(RouteRules.checkActor("X-Actor", "a".repeat(257))).isPresent();
  }

  @Test
  void aNameIsCheckedExactlyAsItsPatternStatesIt() {
    SplittableRandom random = new SplittableRandom(7);
    String alphabet = "az09._-A/ é";
    for (int i = 0; i < 50_000; i++) {
      StringBuilder name = new StringBuilder();
      int length = random.nextInt(66);
      for (int j = 0; j < length; j++) {
        name.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String value = name.toString();
      assertThat(RouteRules.isName(value))
          .as("'%s'", value)
          .isEqualTo(RouteRules.NAME.matcher(value).matches());
    }
    assertThat(RouteRules.isName("a".repeat(63))).isTrue();
    assertThat(RouteRules.isName("a".repeat(64))).isFalse();
  }

  @Test
  void aCallersCorrelationIdIsUpTo128LogSafeCharacters() {
    assertThat(RouteRules.CORRELATION_ID.matcher("req-1:a.b_C").matches()).isTrue();
    assertThat(RouteRules.CORRELATION_ID.matcher("c".repeat(128)).matches()).isTrue();
    assertThat(RouteRules.CORRELATION_ID.matcher("c".repeat(129)).matches()).isFalse();
    assertThat(RouteRules.CORRELATION_ID.matcher("has space").matches()).isFalse();
    assertThat(RouteRules.CORRELATION_ID.matcher("").matches()).isFalse();
  }

  @Test
  void theJsonSchemaStatesTheSameRules() throws IOException {
    JsonNode schema;
    try (InputStream in =
        RouteRulesTest.class.getResourceAsStream(
            "/dev/trafficmanager/event/route-event.v1.schema.json")) {
      schema = new ObjectMapper().readTree(in);
    }

    assertThat(schema.at("/$defs/name/pattern").asText())
        .isEqualTo("^" + RouteRules.NAME.pattern() + "$");
    assertThat(schema.at("/properties/url/maxLength").asInt()).isEqualTo(RouteRules.MAX_URL_LENGTH);
    assertThat(schema.at("/properties/actor/maxLength").asInt())
        .isEqualTo(RouteRules.MAX_ACTOR_LENGTH);
    assertThat(schema.at("/properties/correlation_id/maxLength").asInt())
        .isEqualTo(RouteRules.MAX_CORRELATION_ID_LENGTH);
  }
}
