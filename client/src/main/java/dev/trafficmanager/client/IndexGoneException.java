package dev.trafficmanager.client;

/** 410 Gone: the API no longer keeps every change after the index asked for; list again. */
final class IndexGoneException extends RuntimeException {
  IndexGoneException() {
    super("the API no longer keeps every change after the index asked for");
  }
}
