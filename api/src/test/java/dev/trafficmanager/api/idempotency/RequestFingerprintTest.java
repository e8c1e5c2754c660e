package dev.trafficmanager.api.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestFingerprintTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void isTheSha256OfMethodPathAndBodyInLowerCaseHex() {
    assertThat(RequestFingerprint.of("POST", "/api/v1/routes", bytes("{\"a\":1}")))
        .isEqualTo("f014c73d1a70335130e84b841a830fe598824f4ce18b4ef2d6bc8c928c292bba");
  }

  @Test
  void theSameRequestHasTheSameFingerprint() {
    assertThat(RequestFingerprint.of("PUT", "/a", bytes("{}")))
        .isEqualTo(RequestFingerprint.of("PUT", "/a", bytes("{}")));
  }

  @Test
  void anyDifferenceInMethodPathOrBodyChangesIt() {
    String base = RequestFingerprint.of("POST", "/api/v1/routes/activate", bytes("{}"));
    assertThat(RequestFingerprint.of("PUT", "/api/v1/routes/activate", bytes("{}")))
        .isNotEqualTo(base);
    assertThat(RequestFingerprint.of("POST", "/api/v1/routes/deactivate", bytes("{}")))
        .isNotEqualTo(base);
    assertThat(RequestFingerprint.of("POST", "/api/v1/routes/activate", bytes("{ }")))
        .isNotEqualTo(base);
  }

  @Test
  void pathAndBodyCannotBleedIntoEachOther() {
    assertThat(RequestFingerprint.of("POST", "/ab", bytes("c")))
        .isNotEqualTo(RequestFingerprint.of("POST", "/a", bytes("bc")));
  }
}
