package dev.trafficmanager.api.routes;

/** What a write did: the route as it stands after the transaction, and whether it changed. */
public record WriteOutcome(Route route, Effect effect) {
  public enum Effect {
    /** The route did not exist and was created (revision 1, one event). */
    CREATED,
    /** The route changed: its revision was bumped and one event was written. */
    CHANGED,
    /** The route was already as asked: nothing written, no event. */
    UNCHANGED
  }
}
