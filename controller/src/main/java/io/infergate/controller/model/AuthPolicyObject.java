package io.infergate.controller.model;

import java.util.List;
import java.util.Optional;

/**
 * An AuthPolicy ({@code infergate.io/v1alpha1}): a Gateway API policy attachment that names the
 * Gateways and HTTPRoutes of its namespace it protects, the Secrets whose API keys it accepts and
 * the JWT issuer it trusts (docs/adr/0024-authentication-policy.md).
 *
 * @param targetRefs    {@code spec.targetRefs}
 * @param apiKeySecrets {@code spec.apiKeys.secretRefs[].name}: Secrets of type
 *                      {@code infergate.io/api-keys} in the policy's namespace
 * @param jwt           {@code spec.jwt}
 */
public record AuthPolicyObject(
        ObjectMeta meta, List<TargetRef> targetRefs, List<String> apiKeySecrets, Optional<Jwt> jwt)
        implements KubeObject {
    public AuthPolicyObject {
        targetRefs = List.copyOf(targetRefs);
        apiKeySecrets = List.copyOf(apiKeySecrets);
    }

    /** A {@code LocalPolicyTargetReference}: group, kind and name in the policy's namespace. */
    public record TargetRef(String group, String kind, String name) {}

    /**
     * {@code spec.jwt}.
     *
     * @param tenantClaim    {@code sub} when not set
     * @param claimToHeaders claim name → header name, in spec order
     */
    public record Jwt(
            String issuer,
            List<String> audiences,
            String jwksUri,
            String tenantClaim,
            List<ClaimToHeader> claimToHeaders) {
        public Jwt {
            audiences = List.copyOf(audiences);
            claimToHeaders = List.copyOf(claimToHeaders);
        }
    }

    /** One {@code spec.jwt.claimToHeaders[]} entry. */
    public record ClaimToHeader(String claim, String header) {}
}
