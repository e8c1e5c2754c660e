package dev.trafficmanager.app;

public final class TrafficManager {
  public static void main(String[] args) {}
}
