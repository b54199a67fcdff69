/**
 * The Gateway API conformance echo server's answer for every other path, so router tests can
 * assert the path, host, method and headers that reached a backend.
 */
package io.infergate.simulator.echo;
