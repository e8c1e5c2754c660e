package dev.trafficmanager.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoriesTest {

  @Test
  void deletesTheDirectoryWithEverythingBelowItAndLeavesItsSiblings(@TempDir Path parent)
      throws IOException {
    Path root = Files.createDirectories(parent.resolve("root/a/b"));
    Files.writeString(root.resolve("file"), "data");
    Files.writeString(parent.resolve("root/a/other"), "data");
    Path sibling = Files.writeString(parent.resolve("sibling"), "kept");

    Directories.deleteRecursively(parent.resolve("root"));

    assertThat(parent.resolve("root")).doesNotExist();
    assertThat(sibling).exists();
  }

  @Test
  void aMissingDirectoryIsNothingToDelete(@TempDir Path parent) {
    Directories.deleteRecursively(parent.resolve("missing"));

    assertThat(parent.resolve("missing")).doesNotExist();
  }
}
