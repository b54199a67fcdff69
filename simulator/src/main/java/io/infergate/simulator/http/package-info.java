/**
 * HTTP plumbing shared by every handler: the pod identity headers, the request body limit and
 * the shared JSON factories.
 */
package io.infergate.simulator.http;
