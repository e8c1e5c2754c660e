package dev.trafficmanager.api.audit;

import java.util.List;

/** One page of audit entries, newest first; {@code more} when another page follows the last. */
public record AuditPage(List<AuditEntry> items, boolean more) {
  public AuditPage {
    items = List.copyOf(items);
  }
}
