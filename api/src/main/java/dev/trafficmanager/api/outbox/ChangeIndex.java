package dev.trafficmanager.api.outbox;

/**
 * A tenant's change indexes 1, 2, 3 …, handed out in the writer's transaction.
 *
 * <p>Why it is consistent: {@link #NEXT} updates the tenant's row in {@code tenant_change_index},
 * so the transaction holds that row's lock until it commits or rolls back. The next write of the
 * tenant waits for it, and PostgreSQL makes a transaction visible before it releases its locks, so
 * index {@code n} becomes visible only after every index below it, and a rolled-back write gives
 * its index back. A snapshot that sees a tenant's {@code last_index = n} therefore sees exactly its
 * changes 1…n: a read that takes the index in the same statement as its rows (see {@link
 * #AT_TENANT}) is at a consistent point of the tenant's history.
 *
 * <p>The price: writes of one tenant commit one at a time. The lock is taken last, in the statement
 * that appends the outbox row, so it is held for that statement and the commit only. That bounds
 * one tenant's writes to roughly one per commit latency (about a thousand a second on a local disk,
 * far above the default write limit of 50 a second); writes of different tenants do not wait for
 * each other.
 */
public final class ChangeIndex {
  /**
   * A subquery of one row and one column, {@code change_index}: the last index of the tenant bound
   * as {@code :tenant}, 0 before its first change.
   */
  public static final String AT_TENANT =
      "(SELECT COALESCE(max(last_index), 0) AS change_index FROM tenant_change_index"
          + " WHERE tenant = :tenant)";

  /**
   * A statement of one row and one column, {@code last_index}: the tenant bound as {@code :tenant}
   * takes its next change index, and its row stays locked until the transaction ends. Take it after
   * the route's row lock, always in this order, so two writes never wait for each other's locks
   * crosswise; the outbox append does ({@code OutboxStore#append}).
   */
  public static final String NEXT =
      "INSERT INTO tenant_change_index (tenant, last_index) VALUES (:tenant, 1)"
          + " ON CONFLICT (tenant) DO UPDATE"
          + " SET last_index = tenant_change_index.last_index + 1 RETURNING last_index";

  private ChangeIndex() {}
}
