package dev.trafficmanager.api.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * A token just made: the token itself, shown this once and never again, and what is stored about
 * it.
 */
@JsonPropertyOrder({"token"})
public record IssuedToken(@JsonProperty("token") String token, @JsonUnwrapped TokenView view) {
  @Override
  public String toString() {
    return "IssuedToken[id=" + view.id() + ", name=" + view.name() + "]";
  }
}
