package dev.trafficmanager.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CorrelationIdsTest {
  @Test
  void aNewIdIsARandomVersion4UuidThatTheHeaderRuleAccepts() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = CorrelationIds.newId();
      UUID uuid = UUID.fromString(id);
      assertThat(uuid.version()).as(id).isEqualTo(4);
      assertThat(uuid.variant()).as(id).isEqualTo(2);
      assertThat(id).matches("[A-Za-z0-9._:-]{1,128}");
      ids.add(id);
    }
    assertThat(ids).hasSize(1000);
  }
}
