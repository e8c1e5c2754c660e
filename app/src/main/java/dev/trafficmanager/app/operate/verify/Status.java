package dev.trafficmanager.app.operate.verify;

import java.util.Locale;

/** Whether a finding is work the pipeline has yet to do, or a fault that will stay. */
public enum Status {
  /**
   * Still on its way: pending in the outbox, or not yet consumed by the group that would put it
   * there. Checking again later finds it done.
   */
  IN_FLIGHT,
  /**
   * Lost or wrong: every stage before it has passed the revision, and it is still missing or wrong.
   */
  INCONSISTENT;

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
