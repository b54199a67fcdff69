/** Enforces the snapshot's RateLimitPolicies: per-tenant token and request counts in Redis or in memory, reserved before proxying and settled from usage. */
package io.infergate.router.ratelimit;
