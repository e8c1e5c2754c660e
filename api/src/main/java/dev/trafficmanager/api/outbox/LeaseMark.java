package dev.trafficmanager.api.outbox;

/**
 * What a standby reads of the relay lease: which leadership ({@code epoch}) and how far its
 * renewals went. Two equal marks read a lease apart mean that nobody renewed it in between.
 */
record LeaseMark(long epoch, long renewals) {}
