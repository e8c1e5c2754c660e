package dev.trafficmanager.config;

/** A setting whose value cannot be used; the message names the environment variable. */
public final class InvalidSettingException extends RuntimeException {
  public InvalidSettingException(String name, String value, String expected) {
    super(name + "=" + value + " is invalid: " + expected);
  }
}
