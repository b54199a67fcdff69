package io.infergate.router.auth;

import java.util.List;
import java.util.Map;

/** What authenticating one request decided. */
public sealed interface Outcome {

    /**
     * The caller is known.
     *
     * @param policy  the policy id that admitted it
     * @param tenant  the tenant, sent upstream in {@link Authenticator#TENANT_HEADER}
     * @param method  {@code api-key} or {@code jwt}
     * @param strip   the headers removed before the request goes upstream: the credential headers,
     *                and the tenant and claim headers a client may have sent itself
     * @param set     the headers set on the upstream request (tenant and mapped claims)
     */
    record Allowed(String policy, String tenant, String method, List<String> strip, Map<String, String> set)
            implements Outcome {
        public Allowed {
            strip = List.copyOf(strip);
            set = Map.copyOf(set);
        }
    }

    /**
     * The request is refused with 401.
     *
     * @param message         the error message (never quotes the credential)
     * @param wwwAuthenticate the {@code WWW-Authenticate} challenge (RFC 6750)
     */
    record Denied(String message, String wwwAuthenticate) implements Outcome {}
}
