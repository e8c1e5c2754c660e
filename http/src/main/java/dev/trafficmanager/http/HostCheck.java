package dev.trafficmanager.http;

import io.javalin.http.Context;
import io.javalin.http.MisdirectedRequestResponse;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses a request whose {@code Host} names none of the server's names (421), when the server has
 * a list of them ({@link HttpSettings#allowedHosts()}). A browser sends the name of the page's
 * site: a page of {@code attacker.example} whose name now resolves to 127.0.0.1 still says {@code
 * Host: attacker.example}, so a server that knows its own names cannot be driven by it.
 */
public final class HostCheck {
  private final Set<String> allowed;

  public HostCheck(Set<String> allowed) {
    this.allowed = Set.copyOf(allowed);
  }

  /**
   * @throws MisdirectedRequestResponse when the list is not empty and the request's host is not in
   *     it
   */
  public void check(Context ctx) {
    if (allowed.isEmpty()) {
      return;
    }
    String name = name(ctx.header("Host"));
    if (!allowed.contains(name)) {
      throw new MisdirectedRequestResponse("this server does not serve the host " + name);
    }
  }

  /** The name of a {@code Host} header, lower case, without its port ({@code [::1]} kept whole). */
  static String name(String header) {
    if (header == null) {
      return "";
    }
    String value = header.trim().toLowerCase(Locale.ROOT);
    int end = value.startsWith("[") ? value.indexOf(']') + 1 : value.indexOf(':');
    return end > 0 ? value.substring(0, end) : value;
  }
}
