package dev.trafficmanager.api.http;

import dev.trafficmanager.route.InvalidInputException;
import dev.trafficmanager.route.RouteKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque {@code cursor} of the route listing: the base64url form of the last route key of the
 * previous page. It is only valid for the tenant it was issued for.
 */
final class PageCursor {
  static final String PARAM = "cursor";

  private PageCursor() {}

  static String encode(RouteKey last) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(last.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @throws InvalidInputException naming {@code cursor} when it was not issued by {@link #encode}
   *     for this tenant
   */
  static RouteKey decode(String cursor, String tenant) {
    RouteKey key;
    try {
      key =
          RouteKey.parse(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | InvalidInputException e) {
      // Bad base64, or a decoded value that is no route key.
      throw new InvalidInputException(PARAM, "is not a cursor returned by this listing");
    }
    if (!key.tenant().equals(tenant)) {
      throw new InvalidInputException(PARAM, "belongs to another tenant");
    }
    return key;
  }
}
