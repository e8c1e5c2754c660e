package dev.trafficmanager.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Deletes directory trees: a temporary server's data, a test environment's Streams state directory.
 */
public final class Directories {
  private Directories() {}

  /**
   * Deletes {@code root} and everything below it; does nothing when it does not exist.
   *
   * @throws UncheckedIOException naming {@code root} when part of the tree cannot be deleted
   */
  public static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      // Deepest first, so that every directory is empty by the time its turn comes.
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
