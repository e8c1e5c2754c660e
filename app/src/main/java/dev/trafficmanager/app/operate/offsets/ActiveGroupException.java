package dev.trafficmanager.app.operate.offsets;

/**
 * The group has active members, so its offsets must not be changed: the broker refuses it, and a
 * running consumer would overwrite the new offsets with its own commits anyway.
 */
public final class ActiveGroupException extends RuntimeException {
  private final GroupStatus group;

  public ActiveGroupException(GroupStatus group) {
    super(message(group));
    this.group = group;
  }

  public GroupStatus group() {
    return group;
  }

  private static String message(GroupStatus group) {
    int count = group.members().size();
    return "group "
        + group.groupId()
        + " has "
        + (count == 0 ? "active members" : count + " active member" + (count == 1 ? "" : "s"))
        + " (state "
        + group.state()
        + (count == 0 ? "" : ": " + String.join("; ", group.members()))
        + ")";
  }
}
