package dev.trafficmanager.app.operate;

import dev.trafficmanager.route.RouteRules;
import dev.trafficmanager.route.Violation;
import picocli.CommandLine;

/** Reads {@code --tenant}: a name by the route rules, or invalid usage saying what is wrong. */
final class TenantName implements CommandLine.ITypeConverter<String> {
  @Override
  public String convert(String value) {
    RouteRules.checkName("tenant", value)
        .map(Violation::toString)
        .ifPresent(
            violation -> {
              throw new CommandLine.TypeConversionException(violation);
            });
    return value;
  }
}
