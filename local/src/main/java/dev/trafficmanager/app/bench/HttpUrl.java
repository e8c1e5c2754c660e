package dev.trafficmanager.app.bench;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Reads {@code --url}: an absolute {@code http} or {@code https} URL with a host, such as {@code
 * http://localhost:8080}, without query or fragment; a trailing slash is dropped, so paths append.
 */
final class HttpUrl implements CommandLine.ITypeConverter<URI> {
  @Override
  public URI convert(String value) {
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw invalid(value);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw invalid(value);
    }
    String text = uri.toString();
    return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
  }

  private static CommandLine.TypeConversionException invalid(String value) {
    return new CommandLine.TypeConversionException(
        "'" + value + "' is not an http or https URL such as http://localhost:8080");
  }
}
