package dev.trafficmanager.client;

import java.util.List;

/**
 * A blocking query's answer: the routes' and splits' states after the changes it carried, in index
 * order, the index to ask after next, and how many changes it carried.
 */
record WatchedChanges(long index, List<ReplicaEntry> states, int changes) {
  WatchedChanges {
    states = List.copyOf(states);
  }
}
