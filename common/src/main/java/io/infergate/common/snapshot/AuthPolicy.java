package io.infergate.common.snapshot;

import java.util.List;
import java.util.Optional;

/**
 * An accepted AuthPolicy ({@code infergate.io}): who may call the Gateways and HTTPRoutes it
 * targets (docs/adr/0024-authentication-policy.md). A policy on an HTTPRoute overrides one on the
 * route's Gateway; a request on a target of neither is not authenticated.
 *
 * <p>Rules: API keys arrive as SHA-256 hashes only (the controller hashes the Secrets' values),
 * so no plaintext key ever reaches a router, a log or the admin endpoints; a policy has API keys,
 * a JWT provider, or both; each target appears in one policy only (the controller resolves
 * conflicts, oldest policy first).
 *
 * @param id      {@code authpolicy/<namespace>/<name>}
 * @param targets the ids of the Gateways and HTTPRoutes it applies to
 * @param apiKeys the accepted API keys
 * @param jwt     the accepted JWT issuer, if any
 */
public record AuthPolicy(String id, List<String> targets, List<ApiKey> apiKeys, Optional<Jwt> jwt) {
    public AuthPolicy {
        targets = List.copyOf(targets);
        apiKeys = List.copyOf(apiKeys);
        jwt = jwt == null ? Optional.empty() : jwt;
    }

    /** The canonical id of an AuthPolicy. */
    public static String idOf(String namespace, String name) {
        return "authpolicy/" + namespace + "/" + name;
    }

    /**
     * One API key.
     *
     * @param sha256 lowercase hex SHA-256 of the key's UTF-8 bytes
     * @param tenant the tenant the key belongs to
     */
    public record ApiKey(String sha256, String tenant) {}

    /**
     * A JWT issuer.
     *
     * @param issuer       the exact {@code iss} claim
     * @param audiences    accepted {@code aud} values; empty: not checked
     * @param jwksUri      where the router fetches the issuer's keys (http or https)
     * @param tenantClaim  the claim whose value is the tenant ({@code sub} by default)
     * @param claimHeaders claims copied into request headers sent upstream
     */
    public record Jwt(
            String issuer, List<String> audiences, String jwksUri, String tenantClaim, List<ClaimHeader> claimHeaders) {
        public Jwt {
            audiences = List.copyOf(audiences);
            claimHeaders = List.copyOf(claimHeaders);
        }
    }

    /**
     * A claim copied into a request header.
     *
     * @param claim  a top-level claim name
     * @param header the header name (set, replacing what the client sent)
     */
    public record ClaimHeader(String claim, String header) {}
}
