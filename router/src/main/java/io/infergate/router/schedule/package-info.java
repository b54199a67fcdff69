/** Endpoint picking: per-endpoint outstanding-request state, per-endpoint concurrency bounds, and the profiles that choose an endpoint. */
package io.infergate.router.schedule;
