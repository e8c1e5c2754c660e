package dev.trafficmanager.app.operate.verify;

/**
 * How far each group that moves a revision on had come when the topics were read: the processor on
 * {@code route-events}, the cache-invalidation and audit-log consumers on {@code route-changes}.
 */
record Consumption(
    CommittedOffsets processor, CommittedOffsets cacheInvalidation, CommittedOffsets auditLog) {}
