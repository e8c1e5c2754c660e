package dev.trafficmanager.app.operate.verify;

/** Where along the pipeline a finding is, in the order a revision travels. */
public enum Stage {
  ROUTE_EVENTS("route-events"),
  ROUTE_CHANGES("route-changes"),
  ROUTES("routes"),
  AUDIT_LOG("audit_log"),
  SPLIT_AUDIT_LOG("split_audit_log"),
  CACHE("redis");

  private final String label;

  Stage(String label) {
    this.label = label;
  }

  /** The topic, table or server, as an operator knows it. */
  public String label() {
    return label;
  }
}
