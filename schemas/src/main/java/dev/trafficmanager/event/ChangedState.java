package dev.trafficmanager.event;

/**
 * What a change in a tenant's history is a state of: a route ({@link RouteState}) or a split
 * ({@link SplitState}), each of one service in one env.
 */
public sealed interface ChangedState permits RouteState, SplitState {
  String tenant();

  String service();

  String env();

  long revision();
}
