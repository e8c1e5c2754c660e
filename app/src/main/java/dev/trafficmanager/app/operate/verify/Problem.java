package dev.trafficmanager.app.operate.verify;

import java.util.Locale;

/** What is wrong with a revision at a stage. */
public enum Problem {
  /** Acknowledged in PostgreSQL, not (yet) there. */
  MISSING,
  /** There more than once where exactly once is the contract. */
  DUPLICATED,
  /** After a higher revision of the same route. */
  OUT_OF_ORDER,
  /** There, but not PostgreSQL's state. */
  DIFFERS,
  /** A cache entry answering an older revision than PostgreSQL's current one. */
  STALE;

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
