/**
 * Weighted splits: which version of a service a request goes to. {@link
 * dev.trafficmanager.split.SplitAssignment} is the contract shared by the API and its clients, in a
 * module of its own with no dependencies so that every client can carry it. The split's key and its
 * cache message, contracts of the events, are in the same package in {@code schemas}.
 */
package dev.trafficmanager.split;
