package dev.trafficmanager.route;

/** One broken input rule: the field it concerns (as named in the request) and the rule in words. */
public record Violation(String field, String rule) {}
