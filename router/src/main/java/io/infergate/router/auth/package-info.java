/** Authenticates gateway requests against the snapshot's AuthPolicies: API keys by SHA-256, JWTs against cached JWKS. */
package io.infergate.router.auth;
