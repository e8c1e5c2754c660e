package dev.trafficmanager.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The endpoints of one server, registered through here so that every path they serve is known with
 * its methods: once all are in, {@link #answerOtherMethods()} makes any other method on a known
 * path a 405 with an {@code Allow} header (RFC 9110), not the 404 of an unknown path, and {@code
 * OPTIONS} a 204 with the same header.
 *
 * <p>{@code HEAD} is allowed wherever {@code GET} is: Javalin answers it with the headers of a GET.
 */
public final class Endpoints {
  static final String ALLOW = "Allow";
  private static final List<HandlerType> REFUSABLE =
      List.of(
          HandlerType.GET,
          HandlerType.HEAD,
          HandlerType.POST,
          HandlerType.PUT,
          HandlerType.PATCH,
          HandlerType.DELETE);

  private final Javalin app;
  private final JsonResponder json;
  private final Map<String, Set<HandlerType>> methods = new LinkedHashMap<>();

  public Endpoints(Javalin app, JsonResponder json) {
    this.app = app;
    this.json = json;
  }

  public void get(String path, Handler handler) {
    add(HandlerType.GET, path, handler);
  }

  public void post(String path, Handler handler) {
    add(HandlerType.POST, path, handler);
  }

  public void put(String path, Handler handler) {
    add(HandlerType.PUT, path, handler);
  }

  public void delete(String path, Handler handler) {
    add(HandlerType.DELETE, path, handler);
  }

  private void add(HandlerType method, String path, Handler handler) {
    methods.computeIfAbsent(path, p -> EnumSet.noneOf(HandlerType.class)).add(method);
    app.addHttpHandler(method, path, handler);
  }

  /** Every endpoint registered, as {@code "GET /api/v1/routes"}, in the order registered. */
  public List<String> operations() {
    return methods.entrySet().stream()
        .flatMap(e -> e.getValue().stream().map(method -> method.name() + " " + e.getKey()))
        .toList();
  }

  /**
   * Registers, on every path registered so far, a 405 for each method it does not serve and an
   * answer to {@code OPTIONS}. Call it once, after the last endpoint.
   */
  public void answerOtherMethods() {
    methods.forEach(
        (path, served) -> {
          String allow = allow(served);
          for (HandlerType method : REFUSABLE) {
            boolean allowed =
                served.contains(method)
                    || (method == HandlerType.HEAD && served.contains(HandlerType.GET));
            if (!allowed) {
              app.addHttpHandler(method, path, ctx -> refuse(ctx, allow));
            }
          }
          app.addHttpHandler(
              HandlerType.OPTIONS, path, ctx -> ctx.header(ALLOW, allow).status(204));
        });
  }

  private void refuse(Context ctx, String allow) {
    ctx.header(ALLOW, allow);
    json.send(
        ctx,
        405,
        new ErrorBody(
            "method_not_allowed",
            ctx.method() + " is not allowed on " + ctx.path() + ", only " + allow));
  }

  private static String allow(Set<HandlerType> served) {
    EnumSet<HandlerType> allowed = EnumSet.copyOf(served);
    if (served.contains(HandlerType.GET)) {
      allowed.add(HandlerType.HEAD);
    }
    allowed.add(HandlerType.OPTIONS);
    return allowed.stream().map(HandlerType::name).collect(Collectors.joining(", "));
  }
}
