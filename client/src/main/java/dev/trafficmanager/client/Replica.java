package dev.trafficmanager.client;

import java.util.Optional;

/**
 * What answers resolves from memory. It either answers (a {@link LocalAnswer}, which may say that
 * nothing resolves) or declines with an empty Optional, and the client asks the HTTP API: before it
 * is ready.
 *
 * <p>Ready, it answers every question as the API would. With a version: the route, if known and
 * active. Without one: the service's split picks the version by the API's rule (the hash key's
 * bucket, or a bucket drawn at random; buckets taken by versions in a fixed order, {@code
 * SplitAssignment}) and that version's route answers; no split held (never set, or deleted) is the
 * API's 404, as is a picked version whose route does not resolve.
 */
interface Replica {
  Optional<LocalAnswer> answer(ResolveRequest request);
}
