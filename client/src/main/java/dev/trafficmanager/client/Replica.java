package dev.trafficmanager.client;

import java.util.Optional;

/**
 * What answers resolves from memory. It either answers (a {@link LocalAnswer}, which may say that
 * the route does not resolve) or declines with an empty Optional, and the client asks the HTTP API:
 * before it is ready, and for any question it holds too little to answer.
 *
 * <p>This is where split-aware resolution plugs in: today the replica holds routes only, so it
 * declines every question without a version (the API picks the version by the service's split).
 * Once splits are in the change stream, the replica keeps them too and answers those questions
 * itself by the API's rule (a hash key's bucket, buckets taken in a fixed order), declining only
 * when it has not seen the split.
 */
interface Replica {
  Optional<LocalAnswer> answer(ResolveRequest request);
}
