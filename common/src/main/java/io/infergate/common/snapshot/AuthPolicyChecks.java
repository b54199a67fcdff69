package io.infergate.common.snapshot;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The AuthPolicy part of {@link SnapshotValidator}: unique policy ids; targets that name a
 * Gateway or HTTPRoute of the snapshot, each in one policy only (a policy with neither API keys
 * nor a JWT provider is valid: it refuses every request, which is how the controller ships a
 * policy whose credentials did not resolve); key hashes of 64 lowercase hex digits with non-blank tenants, each hash once per policy;
 * a JWT provider with a non-blank issuer and tenant claim, an absolute http(s) JWKS URL with a
 * host, and claim headers that are valid header names other than the credential and tenant
 * headers.
 */
public final class AuthPolicyChecks {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers a claim may not be copied into: the credentials (stripped) and the tenant (set by the router). */
    public static final Set<String> RESERVED_HEADERS =
            Set.of("authorization", "x-api-key", "x-infergate-tenant", "host");

    private AuthPolicyChecks() {}

    static List<Violation> check(Snapshot s, Set<String> ids) {
        List<Violation> out = new ArrayList<>();
        Set<String> targets = PolicyTargetChecks.targetable(s);
        Map<String, String> claimed = new HashMap<>();
        for (int i = 0; i < s.authPolicies().size(); i++) {
            AuthPolicy p = s.authPolicies().get(i);
            String at = "/authPolicies/" + i;
            PolicyTargetChecks.check(at, p.id(), p.targets(), ids, targets, claimed, out);
            Set<String> hashes = new HashSet<>();
            for (int k = 0; k < p.apiKeys().size(); k++) {
                AuthPolicy.ApiKey key = p.apiKeys().get(k);
                if (!SHA256.matcher(key.sha256()).matches()) {
                    out.add(new Violation(at + "/apiKeys/" + k + "/sha256", "must be 64 lowercase hex digits"));
                } else if (!hashes.add(key.sha256())) {
                    out.add(new Violation(at + "/apiKeys/" + k + "/sha256", "duplicate key"));
                }
                if (key.tenant().isBlank()) {
                    out.add(new Violation(at + "/apiKeys/" + k + "/tenant", "must not be blank"));
                }
            }
            p.jwt().ifPresent(j -> jwt(j, at + "/jwt", out));
        }
        return out;
    }

    private static void jwt(AuthPolicy.Jwt j, String at, List<Violation> out) {
        if (j.issuer().isBlank()) {
            out.add(new Violation(at + "/issuer", "must not be blank"));
        }
        if (j.tenantClaim().isBlank()) {
            out.add(new Violation(at + "/tenantClaim", "must not be blank"));
        }
        jwksUri(j.jwksUri()).ifPresent(m -> out.add(new Violation(at + "/jwksUri", m)));
        for (int h = 0; h < j.claimHeaders().size(); h++) {
            AuthPolicy.ClaimHeader ch = j.claimHeaders().get(h);
            if (ch.claim().isBlank()) {
                out.add(new Violation(at + "/claimHeaders/" + h + "/claim", "must not be blank"));
            }
            if (!TOKEN.matcher(ch.header()).matches()) {
                out.add(new Violation(at + "/claimHeaders/" + h + "/header", "is not a valid header name"));
            } else if (RESERVED_HEADERS.contains(ch.header().toLowerCase(Locale.ROOT))) {
                out.add(new Violation(at + "/claimHeaders/" + h + "/header", "'" + ch.header() + "' is reserved"));
            }
        }
    }

    /** Why a JWKS URL is unusable, empty when it is an absolute http(s) URL with a host. */
    public static Optional<String> jwksUri(String uri) {
        try {
            URI u = new URI(uri);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return Optional.of("must be an http or https URL");
            }
            if (u.getHost() == null || u.getHost().isEmpty()) {
                return Optional.of("must name a host");
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of("is not a URL: " + e.getReason());
        }
    }
}
