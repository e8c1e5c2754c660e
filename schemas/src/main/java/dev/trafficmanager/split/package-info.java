/**
 * Weighted splits: which version of a service a request goes to. {@link
 * dev.trafficmanager.split.SplitAssignment} is the contract shared by the API and its clients.
 */
package dev.trafficmanager.split;
