package dev.trafficmanager.app.operate.verify;

/** A route's record on a topic: which revision it carries and where it is. */
record RecordAt(long revision, int partition, long offset) {
  @Override
  public String toString() {
    return "revision " + revision + " at " + partition + "@" + offset;
  }
}
