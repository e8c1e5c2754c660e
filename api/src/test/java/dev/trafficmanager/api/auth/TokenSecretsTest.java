package dev.trafficmanager.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenSecretsTest {
  private static final String WELL_FORMED = "tm_" + "A".repeat(20) + "z9-_" + "0".repeat(19);

  @Test
  void everyGeneratedTokenIsWellFormed() {
    TokenSecrets secrets = new TokenSecrets(new SecureRandom());
    for (int i = 0; i < 1_000; i++) {
      assertThat(TokenSecrets.isWellFormed(secrets.generate())).isTrue();
    }
    assertThat(TokenSecrets.isWellFormed(WELL_FORMED)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "tm_",
        "xx_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "tm_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "tm_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "tm_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
        "tm_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/",
        "tm_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "tm_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\u00e9",
        "tm_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ",
        "TM_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
      })
  void aTokenOfAnyOtherShapeIsMalformed(String token) {
    assertThat(TokenSecrets.isWellFormed(token)).isFalse();
  }

  @Test
  void theHashIsTheSha256OfTheTokensCharactersOnEveryThread() throws Exception {
    // FIPS 180-2's example: SHA-256("abc").
    String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assertThat(HexFormat.of().formatHex(TokenSecrets.hash("abc"))).isEqualTo(abc);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> hashes =
          threads.invokeAll(
              Collections.nCopies(
                  64,
                  () -> {
                    TokenSecrets.hash(WELL_FORMED);
                    return HexFormat.of().formatHex(TokenSecrets.hash("abc"));
                  }));
      for (Future<String> hash : hashes) {
        assertThat(hash.get()).isEqualTo(abc);
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
