package dev.trafficmanager.app.bench;

import dev.trafficmanager.api.http.ServerConfig;
import io.javalin.Javalin;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench hello-server}: the hello-world anchor of the resolve figure. One GET handler that
 * answers a small JSON body, on a Javalin server built with the API's own server settings ({@link
 * ServerConfig}), so that wrk against it measures what the HTTP server alone costs on this machine.
 * Hidden: it is for {@code perf/run}, not for operators.
 */
@Command(
    name = "hello-server",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = {
      "Serve GET /hello ({\"hello\":\"world\"}) on the API's HTTP server settings until stopped: the"
          + " anchor the resolve throughput is compared with."
    })
public final class HelloServerCommand implements Callable<Integer> {
  static final String BODY = "{\"hello\":\"world\"}";

  @Option(
      names = "--port",
      paramLabel = "<port>",
      defaultValue = "8099",
      description = "Port to listen on (0: any free port). Default: ${DEFAULT-VALUE}.")
  int port;

  @Override
  public Integer call() throws InterruptedException {
    Javalin app = Javalin.create(ServerConfig::apply);
    app.get("/hello", ctx -> ctx.contentType("application/json").result(BODY));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.stop();
                  stopped.countDown();
                },
                "hello-server-stop"));
    app.start("127.0.0.1", port);
    System.out.println("hello-server listening on http://127.0.0.1:" + app.port() + "/hello");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
