package dev.trafficmanager.app.operate.offsets;

import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.GroupState;

/**
 * A consumer group as the broker describes it now.
 *
 * @param groupId the group's id on the broker (behind the topic prefix)
 * @param state {@link GroupState#DEAD} or {@link GroupState#UNKNOWN} for a group the broker does
 *     not know
 * @param members one line per active member: client id, host and member id
 */
public record GroupStatus(String groupId, GroupState state, List<String> members) {
  public GroupStatus {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(state, "state");
    members = List.copyOf(members);
  }

  public boolean hasActiveMembers() {
    return !members.isEmpty();
  }
}
