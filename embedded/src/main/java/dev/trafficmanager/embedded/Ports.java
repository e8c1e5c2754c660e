package dev.trafficmanager.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Local TCP ports for the servers. */
public final class Ports {
  private Ports() {}

  /**
   * The port itself, or a port that is free right now when it is 0. The port is chosen before the
   * server starts so that its address is known up front and survives a restart.
   */
  public static int freeIfZero(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " is not 0..65535");
    }
    if (port != 0) {
      return port;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free local port", e);
    }
  }

  /**
   * Whether another process listens on {@code port}, on any address. A server's own port in
   * TIME_WAIT after it stopped does not count (the servers reuse such a port, as this check does).
   * Both the wildcard and the loopback address are tried: Linux refuses the wildcard for a listener
   * on any one address, but macOS lets the wildcard share a port with a listener on the loopback.
   */
  public static boolean inUse(int port) {
    return !bindable(new InetSocketAddress(port))
        || !bindable(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  private static boolean bindable(InetSocketAddress address) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(address);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
