package dev.trafficmanager.api.changes;

/**
 * The changes after an index are no longer all kept (the outbox's retention deleted some): the
 * caller must list again and watch from the list's index. Answered 410 Gone, never a silent gap.
 */
public final class IndexGoneException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IndexGoneException(String tenant, long index) {
    super(
        "index "
            + index
            + " of tenant "
            + tenant
            + " is older than the change history kept; list the routes again and watch from the"
            + " list's index");
  }
}
