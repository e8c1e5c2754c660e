package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.api.docs.ApiDocs;
import dev.trafficmanager.testkit.OpenApiContract;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** {@code /docs} renders the whole document in a real browser, from the jar alone. */
@ExtendWith(SharedServers.class)
class ApiReferenceBrowserTest {
  @Test
  void theReferenceShowsEveryOperationAndNoErrors(TestEnvironment env) {
    int operations = OpenApiContract.fromClasspath(ApiDocs.DOCUMENT).operations().size();
    try (RunningApi running = RunningApi.start(env.settings());
        HeadlessChromium chromium = HeadlessChromium.start()) {
      WebDriver browser = chromium.driver();
      browser.get("http://localhost:" + running.api().httpPort() + "/docs");

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> browser.findElements(By.cssSelector(".opblock")).size() == operations);
      assertThat(browser.findElements(By.cssSelector(".errors-wrapper"))).isEmpty();
      assertThat(browser.findElement(By.cssSelector(".info .title")).getText())
          .startsWith("Traffic Manager API");
      chromium.screenshot("api-reference");
    }
  }
}
