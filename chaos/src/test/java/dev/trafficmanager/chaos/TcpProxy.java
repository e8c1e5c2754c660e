package dev.trafficmanager.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP path between one service and a server that the test can cut, as a network partition would:
 * {@link #cut()} closes the listening socket and every connection through it, so the service's
 * connections break and new ones are refused; {@link #open()} lets it through again.
 */
final class TcpProxy implements AutoCloseable {
  private final InetSocketAddress listen;
  private final InetSocketAddress target;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "tcp-proxy");
            thread.setDaemon(true);
            return thread;
          });
  private ServerSocket server;

  TcpProxy(InetSocketAddress listen, InetSocketAddress target) {
    this.listen = listen;
    this.target = target;
  }

  /** Starts accepting connections and relaying them to the target. */
  synchronized void open() throws IOException {
    if (server != null) {
      return;
    }
    ServerSocket listening = new ServerSocket();
    listening.setReuseAddress(true);
    listening.bind(listen);
    server = listening;
    threads.execute(() -> accept(listening));
  }

  /** Refuses new connections and breaks every open one. */
  synchronized void cut() throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
    for (Socket socket : connections) {
      socket.close();
    }
    connections.clear();
  }

  private void accept(ServerSocket listening) {
    while (!listening.isClosed()) {
      try {
        Socket client = listening.accept();
        Socket upstream = new Socket();
        connections.add(client);
        connections.add(upstream);
        upstream.connect(target, 2_000);
        threads.execute(() -> pump(client, upstream));
        threads.execute(() -> pump(upstream, client));
      } catch (IOException e) {
        // Cut, or the target refused: the service sees its connection fail, as in a partition.
      }
    }
  }

  private void pump(Socket from, Socket to) {
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // The other direction, or a cut, closed it.
    } finally {
      close(from);
      close(to);
    }
  }

  private void close(Socket socket) {
    connections.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // Closing is all that is left to do.
    }
  }

  @Override
  public void close() throws IOException {
    cut();
    threads.shutdownNow();
  }
}
