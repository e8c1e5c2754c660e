/**
 * {@code verify}: compares PostgreSQL (the source of truth), the topics, the audit logs and Redis,
 * route by route and split by split, and tells work still in flight apart from what is lost or
 * wrong. {@link dev.trafficmanager.app.operate.verify.Verifier} is the entry point, for the command
 * and for callers in-process (the chaos suite), who read its {@link
 * dev.trafficmanager.app.operate.verify.VerifyReport}.
 */
package dev.trafficmanager.app.operate.verify;
