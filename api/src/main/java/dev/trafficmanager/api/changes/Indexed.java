package dev.trafficmanager.api.changes;

/**
 * A read and the change index of its tenant it is at: it reflects every change up to {@code index}
 * and none after, so a watch from {@code index} delivers exactly the changes it does not show.
 */
public record Indexed<T>(T value, long index) {}
