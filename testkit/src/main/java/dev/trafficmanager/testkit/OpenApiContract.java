package dev.trafficmanager.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The API's OpenAPI 3.1 document as a test oracle: {@link #check(Exchange)} holds one real HTTP
 * exchange against it, so every test that talks to the API through a checked client also tests that
 * the document tells the truth.
 *
 * <p>What an exchange must satisfy:
 *
 * <ul>
 *   <li>its answer's status is one the operation documents (or one the document's {@code
 *       x-server-responses} lists for every request), and its body and required headers match that
 *       response;
 *   <li>a request the document calls invalid (a required parameter missing, a value or body outside
 *       its schema) is answered 4xx: the server refuses at least what the document refuses;
 *   <li>a known path with a method the document does not list is a 405 whose {@code Allow} names
 *       the documented methods ({@code OPTIONS}: 204); a path the document does not know is a 4xx.
 * </ul>
 *
 * Schemas are validated by networknt's JSON Schema validator (draft 2020-12, the dialect of OpenAPI
 * 3.1) with format assertions on, so {@code date-time} and {@code uuid} are checked too.
 */
public final class OpenApiContract {
  private static final String DOCUMENT_IRI = "https://trafficmanager.dev/openapi.json";
  private static final String INLINE_IRI = "https://trafficmanager.dev/inline.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

  private final JsonNode document;
  private final JsonSchemaFactory schemas;
  private final SchemaValidatorsConfig config =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
  private final Map<JsonNode, JsonSchema> compiled = new ConcurrentHashMap<>();

  private OpenApiContract(JsonNode document) {
    this.document = document;
    String text = document.toString();
    this.schemas =
        JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            builder ->
                builder.schemaLoaders(loaders -> loaders.schemas(Map.of(DOCUMENT_IRI, text))));
  }

  /** Reads the YAML document at {@code resource} on the classpath. */
  public static OpenApiContract fromClasspath(String resource) {
    try (InputStream in = OpenApiContract.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the classpath");
      }
      return new OpenApiContract(new YAMLMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One request and the answer it got. Header names are matched without regard to case. */
  public record Exchange(
      String method,
      URI uri,
      Map<String, List<String>> requestHeaders,
      String requestBody,
      int status,
      Map<String, List<String>> responseHeaders,
      String responseBody) {}

  /** Every documented operation, as {@code "GET /api/v1/routes"}. */
  public Set<String> operations() {
    Set<String> operations = new TreeSet<>();
    for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
      for (String method : methods(path.getValue())) {
        operations.add(method + " " + path.getKey());
      }
    }
    return operations;
  }

  /**
   * @throws AssertionError naming every way the exchange departs from the document
   */
  public void check(Exchange exchange) {
    List<String> problems = problems(exchange);
    if (!problems.isEmpty()) {
      throw new AssertionError(
          exchange.method()
              + " "
              + exchange.uri()
              + " -> "
              + exchange.status()
              + " departs from the OpenAPI document:\n  "
              + String.join("\n  ", problems)
              + "\n  answer body: "
              + exchange.responseBody());
    }
  }

  /** How the exchange departs from the document; empty when it does not. */
  public List<String> problems(Exchange exchange) {
    String path = exchange.uri().getRawPath();
    Optional<Map.Entry<String, JsonNode>> template = pathItem(path);
    int status = exchange.status();
    if (template.isEmpty()) {
      return status >= 400 && status < 500
          ? List.of()
          : List.of("the path is not in the document, yet it was answered " + status);
    }
    JsonNode pathItem = template.get().getValue();
    String method = exchange.method().toLowerCase(Locale.ROOT);
    JsonNode operation = pathItem.get(method);
    if (operation == null || !METHODS.contains(method)) {
      return undocumentedMethod(pathItem, method, exchange);
    }
    List<String> requestProblems = new ArrayList<>();
    Map<String, String> pathValues = pathValues(template.get().getKey(), path);
    checkParameters(pathItem, operation, exchange, pathValues, requestProblems);
    checkRequestBody(operation, exchange, requestProblems);
    List<String> problems = new ArrayList<>(checkResponse(operation, exchange));
    if (!requestProblems.isEmpty() && (status < 400 || status >= 500)) {
      problems.add(
          "the request breaks the document ("
              + String.join("; ", requestProblems)
              + ") yet it was answered "
              + status);
    }
    return problems;
  }

  private List<String> undocumentedMethod(JsonNode pathItem, String method, Exchange exchange) {
    Set<String> documented = methods(pathItem);
    int status = exchange.status();
    if (method.equals("options")) {
      return status == 204 ? List.of() : List.of("OPTIONS on a known path must be 204");
    }
    if (method.equals("head") && documented.contains("GET")) {
      return status < 500 ? List.of() : List.of("HEAD of a documented GET was answered " + status);
    }
    if (status != 405) {
      return List.of(
          method.toUpperCase(Locale.ROOT)
              + " is not documented for this path (only "
              + documented
              + "), yet it was answered "
              + status
              + " rather than 405");
    }
    Set<String> allowed =
        header(exchange.responseHeaders(), "Allow")
            .map(
                allow ->
                    Arrays.stream(allow.split(","))
                        .map(String::trim)
                        .collect(Collectors.toCollection(LinkedHashSet::new)))
            .orElse(new LinkedHashSet<>());
    return allowed.containsAll(documented)
        ? List.of()
        : List.of("405 with Allow " + allowed + ", which lacks some of " + documented);
  }

  /** The methods a path item documents, upper case. */
  private static Set<String> methods(JsonNode pathItem) {
    Set<String> methods = new LinkedHashSet<>();
    for (Map.Entry<String, JsonNode> field : pathItem.properties()) {
      if (METHODS.contains(field.getKey())) {
        methods.add(field.getKey().toUpperCase(Locale.ROOT));
      }
    }
    return methods;
  }

  private void checkParameters(
      JsonNode pathItem,
      JsonNode operation,
      Exchange exchange,
      Map<String, String> pathValues,
      List<String> problems) {
    Map<String, List<String>> query = query(exchange.uri());
    List<JsonNode> parameters = new ArrayList<>();
    pathItem.path("parameters").forEach(p -> parameters.add(resolve(p)));
    operation.path("parameters").forEach(p -> parameters.add(resolve(p)));
    for (JsonNode parameter : parameters) {
      String name = parameter.path("name").asText();
      String in = parameter.path("in").asText();
      Optional<String> value =
          switch (in) {
            case "query" -> Optional.ofNullable(query.get(name)).map(values -> values.get(0));
            case "path" -> Optional.ofNullable(pathValues.get(name));
            case "header" -> header(exchange.requestHeaders(), name);
            default -> Optional.empty();
          };
      if (value.isEmpty()) {
        if (parameter.path("required").asBoolean(false)) {
          problems.add(in + " parameter " + name + " is required");
        }
        continue;
      }
      JsonNode schema = parameter.path("schema");
      JsonNode typed = typed(value.get(), schemaType(schema));
      for (ValidationMessage message : schema(schema).validate(typed)) {
        problems.add(in + " parameter " + name + ": " + message.getMessage());
      }
    }
  }

  private void checkRequestBody(JsonNode operation, Exchange exchange, List<String> problems) {
    JsonNode requestBody = resolve(operation.path("requestBody"));
    if (requestBody.isMissingNode()) {
      return;
    }
    String body = exchange.requestBody();
    if (body == null || body.isEmpty()) {
      if (requestBody.path("required").asBoolean(false)) {
        problems.add("a request body is required");
      }
      return;
    }
    String type = header(exchange.requestHeaders(), "Content-Type").orElse("");
    Optional<JsonNode> media = mediaType(requestBody.path("content"), type);
    if (media.isEmpty()) {
      problems.add("request content type '" + type + "' is not documented");
      return;
    }
    if (isJson(type)) {
      validateJson(media.get().path("schema"), body, "request body", problems);
    }
  }

  private List<String> checkResponse(JsonNode operation, Exchange exchange) {
    JsonNode responses = operation.path("responses");
    String status = String.valueOf(exchange.status());
    JsonNode response = responses.get(status);
    if (response == null) {
      response = responses.get(status.charAt(0) + "XX");
    }
    if (response == null) {
      response = responses.get("default");
    }
    if (response == null) {
      // What the server itself answers before any operation is reached (a URL or headers too
      // long): listed once for every operation.
      response = document.path("x-server-responses").get(status);
    }
    if (response == null) {
      return List.of("status " + status + " is not documented for this operation");
    }
    response = resolve(response);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : response.path("headers").properties()) {
      JsonNode header = resolve(entry.getValue());
      Optional<String> value = header(exchange.responseHeaders(), entry.getKey());
      if (value.isEmpty()) {
        if (header.path("required").asBoolean(false)) {
          problems.add("response header " + entry.getKey() + " is missing");
        }
        continue;
      }
      for (ValidationMessage message :
          schema(header.path("schema")).validate(TextNode.valueOf(value.get()))) {
        problems.add("response header " + entry.getKey() + ": " + message.getMessage());
      }
    }
    JsonNode content = response.path("content");
    if (content.isMissingNode() || exchange.method().equalsIgnoreCase("HEAD")) {
      return problems;
    }
    String type = header(exchange.responseHeaders(), "Content-Type").orElse("");
    Optional<JsonNode> media = mediaType(content, type);
    if (media.isEmpty()) {
      problems.add("response content type '" + type + "' is not documented for " + status);
    } else if (isJson(type)) {
      validateJson(media.get().path("schema"), exchange.responseBody(), "response body", problems);
    }
    return problems;
  }

  private void validateJson(JsonNode schema, String text, String what, List<String> problems) {
    JsonNode value;
    try {
      value = JSON.readTree(text);
    } catch (IOException e) {
      problems.add(what + " is not JSON");
      return;
    }
    if (value == null) {
      problems.add(what + " is empty");
      return;
    }
    for (ValidationMessage message : schema(schema).validate(value)) {
      problems.add(what + ": " + message.getMessage());
    }
  }

  /**
   * The path item whose template matches; a template with fewer parameters wins, so {@code
   * /docs/{asset}} never hides a literal path of the same length.
   */
  private Optional<Map.Entry<String, JsonNode>> pathItem(String path) {
    String[] segments = path.split("/", -1);
    Map.Entry<String, JsonNode> best = null;
    long bestParameters = Long.MAX_VALUE;
    for (Map.Entry<String, JsonNode> entry : document.path("paths").properties()) {
      String[] template = entry.getKey().split("/", -1);
      if (template.length != segments.length) {
        continue;
      }
      boolean matches = true;
      long parameters = 0;
      for (int i = 0; i < template.length && matches; i++) {
        if (template[i].startsWith("{") && template[i].endsWith("}")) {
          matches = !segments[i].isEmpty();
          parameters++;
        } else {
          matches = template[i].equals(segments[i]);
        }
      }
      if (matches && parameters < bestParameters) {
        best = entry;
        bestParameters = parameters;
      }
    }
    return Optional.ofNullable(best);
  }

  private static Map<String, String> pathValues(String template, String path) {
    String[] names = template.split("/", -1);
    String[] values = path.split("/", -1);
    Map<String, String> bound = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      if (names[i].startsWith("{")) {
        bound.put(
            names[i].substring(1, names[i].length() - 1),
            URLDecoder.decode(values[i], StandardCharsets.UTF_8));
      }
    }
    return bound;
  }

  private static Map<String, List<String>> query(URI uri) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&", -1)) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      query
          .computeIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), n -> new ArrayList<>())
          .add(URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return query;
  }

  private static Optional<String> header(Map<String, List<String>> headers, String name) {
    return headers.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
        .map(e -> e.getValue().get(0))
        .findFirst();
  }

  private static Optional<JsonNode> mediaType(JsonNode content, String contentType) {
    int parameters = contentType.indexOf(';');
    String type =
        (parameters < 0 ? contentType : contentType.substring(0, parameters))
            .trim()
            .toLowerCase(Locale.ROOT);
    return Optional.ofNullable(content.get(type));
  }

  private static boolean isJson(String contentType) {
    return contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
  }

  /** A query, path or header value as the type its schema names. */
  private static JsonNode typed(String value, String type) {
    if (type.equals("integer")) {
      try {
        return LongNode.valueOf(Long.parseLong(value));
      } catch (NumberFormatException e) {
        return TextNode.valueOf(value);
      }
    }
    return TextNode.valueOf(value);
  }

  private String schemaType(JsonNode schema) {
    JsonNode resolved = schema;
    while (resolved.has("$ref")) {
      resolved = pointer(resolved.get("$ref").asText());
    }
    return resolved.path("type").asText("");
  }

  /** An OpenAPI object, following its {@code $ref} within the document. */
  private JsonNode resolve(JsonNode node) {
    JsonNode resolved = node;
    while (resolved.has("$ref")) {
      resolved = pointer(resolved.get("$ref").asText());
    }
    return resolved;
  }

  private JsonNode pointer(String ref) {
    if (!ref.startsWith("#/")) {
      throw new IllegalArgumentException("only references within the document are read: " + ref);
    }
    JsonNode target = document.at(ref.substring(1));
    if (target.isMissingNode()) {
      throw new IllegalStateException("the document has no " + ref);
    }
    return target;
  }

  /**
   * A schema as written in the document, compiled once; its references into the document point at
   * the whole document, so that {@code #/components/schemas/…} resolves.
   */
  private JsonSchema schema(JsonNode schema) {
    return compiled.computeIfAbsent(
        schema,
        s -> schemas.getSchema(SchemaLocation.of(INLINE_IRI), absoluteReferences(s), config));
  }

  private static JsonNode absoluteReferences(JsonNode schema) {
    JsonNode copy = schema.deepCopy();
    rewrite(copy);
    return copy;
  }

  private static void rewrite(JsonNode node) {
    if (node instanceof ObjectNode object) {
      JsonNode ref = object.get("$ref");
      if (ref != null && ref.isTextual() && ref.asText().startsWith("#/")) {
        object.put("$ref", DOCUMENT_IRI + ref.asText());
      }
    }
    node.forEach(OpenApiContract::rewrite);
  }
}
