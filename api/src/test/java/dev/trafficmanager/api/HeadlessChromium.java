package dev.trafficmanager.api;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium and ChromeDriver ({@code apt-get install chromium chromium-driver}, which
 * {@code .ci/run} does), driven headless by Selenium. Selenium is pointed at both binaries so that
 * it never tries to download a browser. Where they are not installed the test is skipped, saying
 * so. Screenshots go to {@code target/screenshots/}.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final Path BROWSER =
      Path.of(System.getenv().getOrDefault("TM_TEST_CHROMIUM", "/usr/bin/chromium"));
  private static final Path DRIVER =
      Path.of(System.getenv().getOrDefault("TM_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;

  private HeadlessChromium(ChromeDriver driver) {
    this.driver = driver;
  }

  static HeadlessChromium start() {
    assumeTrue(
        Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER),
        "no browser to test the console in: install Debian's chromium and chromium-driver "
            + "(or set TM_TEST_CHROMIUM and TM_TEST_CHROMEDRIVER)");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    // The flags a closed network and a root user need: no sandbox, and none of the background
    // connections Chromium makes to Google's hosts at start.
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return new HeadlessChromium(driver);
  }

  WebDriver driver() {
    return driver;
  }

  /** Saves what the browser shows now as {@code target/screenshots/<name>.png}. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
