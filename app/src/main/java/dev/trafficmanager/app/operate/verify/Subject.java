package dev.trafficmanager.app.operate.verify;

/**
 * What a finding is about: a route ({@code tenant/service/env/version}) or a split ({@code
 * tenant/service/env}).
 */
public enum Subject {
  ROUTE("route_key"),
  SPLIT("split_key");

  private final String keyName;

  Subject(String keyName) {
    this.keyName = keyName;
  }

  /** The name of its key in the JSON report, as the topics' and the audit API's JSON name it. */
  public String keyName() {
    return keyName;
  }
}
