package dev.trafficmanager.client;

import java.util.List;

/**
 * {@code GET /api/v1/splits?tenant=…}: the tenant's splits (deleted ones are not listed) and the
 * change index they are at, in one page.
 */
record ListedSplits(List<SplitEntry> splits, long index) {
  ListedSplits {
    splits = List.copyOf(splits);
  }
}
