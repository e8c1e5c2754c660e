/**
 * Each tenant's change history as the watch API serves it: the index reads are at ({@link
 * dev.trafficmanager.api.changes.Indexed}) and the changes after an index ({@link
 * dev.trafficmanager.api.changes.ChangeHistory}), read from the outbox, which keeps each change
 * with the index its write took in its transaction ({@link
 * dev.trafficmanager.api.outbox.ChangeIndex}).
 */
package dev.trafficmanager.api.changes;
