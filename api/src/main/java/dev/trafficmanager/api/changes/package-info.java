/**
 * Each tenant's change history: the change index a write takes in its transaction ({@link
 * dev.trafficmanager.api.changes.ChangeIndex}), the index reads are at ({@link
 * dev.trafficmanager.api.changes.Indexed}) and the changes after an index as PostgreSQL keeps them
 * ({@link dev.trafficmanager.api.changes.ChangeHistory}), which the watch API serves.
 */
package dev.trafficmanager.api.changes;
