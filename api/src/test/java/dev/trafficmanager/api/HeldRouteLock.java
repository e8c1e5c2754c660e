package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A route the API has just created whose row lock the test holds, so that writes to it wait inside
 * PostgreSQL: for tests of what happens while requests are in flight. Closing releases the lock.
 */
final class HeldRouteLock implements AutoCloseable {
  /** The locked route's path under the API. */
  static final String ROUTE = "/api/v1/routes/acme/billing/prod/v1";

  private final Handle handle;

  private HeldRouteLock(Handle handle) {
    this.handle = handle;
  }

  /** Creates acme/billing/prod/v1 through the API, then takes its row lock. */
  static HeldRouteLock create(ApiClient client, Jdbi jdbi) {
    assertThat(
            client
                .post(
                    "/api/v1/routes",
                    ApiClient.route("acme", "billing", "prod", "v1", "https://a.example/"))
                .status())
        .isEqualTo(201);
    Handle handle = jdbi.open();
    handle.begin();
    handle.execute(
        "SELECT 1 FROM routes WHERE tenant = 'acme' AND service = 'billing' AND env = 'prod'"
            + " AND version = 'v1' FOR UPDATE");
    return new HeldRouteLock(handle);
  }

  /** Lets the writes waiting on the lock go on. */
  void release() {
    if (handle.isInTransaction()) {
      handle.rollback();
    }
  }

  @Override
  public void close() {
    release();
    handle.close();
  }
}
