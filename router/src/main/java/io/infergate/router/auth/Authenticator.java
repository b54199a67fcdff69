package io.infergate.router.auth;

import io.infergate.common.snapshot.AuthPolicy;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Authenticates requests for one AuthPolicy.
 *
 * <p>Rules: the credential is {@code Authorization: Bearer <credential>} or, without one,
 * {@code x-api-key: <key>}. With a JWT provider configured, a bearer credential of three
 * dot-separated parts is verified as a JWT; anything else is looked up as an API key (when the
 * policy has keys). A token whose {@code kid} the cached key set lacks makes the JWKS be refetched
 * once (rate-limited in {@link JwksSource}) before it is refused. Admitted requests lose both
 * credential headers and any tenant or claim header the client sent, then get the tenant header
 * and the mapped claims. Refusals are 401 with a {@code Bearer} challenge: without
 * {@code error} when no credential came, with {@code error="invalid_token"} otherwise (RFC 6750
 * section 3.1).
 */
public final class Authenticator {
    /** The header that carries the authenticated tenant upstream. */
    public static final String TENANT_HEADER = "x-infergate-tenant";

    /** The credential headers, both always removed before the request goes upstream. */
    public static final List<String> CREDENTIAL_HEADERS = List.of("authorization", "x-api-key");

    /** The tolerance on {@code exp} and {@code nbf}: clocks of issuers and routers drift a little. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    static final String REALM = "infergate";

    private final String policy;
    private final ApiKeyTable apiKeys;
    private final Optional<Jwt> jwt;
    private final Supplier<Instant> clock;
    private final List<String> strip;

    /** A JWT provider of the policy, with its key source. */
    record Jwt(JwtVerifier.Rules rules, JwksSource keys, String tenantClaim, List<AuthPolicy.ClaimHeader> headers) {}

    Authenticator(String policy, ApiKeyTable apiKeys, Optional<Jwt> jwt, Supplier<Instant> clock) {
        this.policy = policy;
        this.apiKeys = apiKeys;
        this.jwt = jwt;
        this.clock = clock;
        List<String> s = new ArrayList<>(CREDENTIAL_HEADERS);
        s.add(TENANT_HEADER);
        jwt.ifPresent(j -> j.headers().forEach(h -> s.add(h.header().toLowerCase(Locale.ROOT))));
        this.strip = List.copyOf(s);
    }

    /** The policy this authenticator enforces. */
    public String policy() {
        return policy;
    }

    /**
     * Authenticates a request.
     *
     * @param header the first value of a request header by name, empty when absent
     */
    public Outcome authenticate(Function<String, Optional<String>> header) {
        Optional<String> credential = header.apply("authorization")
                .flatMap(Authenticator::bearer)
                .or(() -> header.apply("x-api-key").map(String::strip).filter(k -> !k.isEmpty()));
        if (credential.isEmpty()) {
            return new Outcome.Denied(
                    "authentication required: send Authorization: Bearer <" + expected() + ">",
                    "Bearer realm=\"" + REALM + "\"");
        }
        String c = credential.get();
        if (jwt.isPresent() && looksLikeJwt(c)) {
            return jwt(c, jwt.get());
        }
        if (apiKeys.isEmpty()) {
            return denied("the credential is not a valid token");
        }
        return apiKeys.tenant(c)
                .<Outcome>map(t -> new Outcome.Allowed(policy, t, "api-key", strip, Map.of(TENANT_HEADER, t)))
                .orElseGet(() -> denied("the API key is not valid"));
    }

    private Outcome jwt(String token, Jwt j) {
        JwtVerifier.Verdict v = JwtVerifier.verify(token, j.keys().keys(), j.rules(), clock.get());
        if (v instanceof JwtVerifier.Verdict.UnknownKey(String kid)) {
            v = JwtVerifier.verify(token, j.keys().refetchFor(kid), j.rules(), clock.get());
            if (v instanceof JwtVerifier.Verdict.UnknownKey) {
                return denied("the token's signing key is not in the issuer's key set");
            }
        }
        return switch (v) {
            case JwtVerifier.Verdict.Rejected r -> denied(r.reason());
            case JwtVerifier.Verdict.UnknownKey u -> denied("the token's signing key is not in the issuer's key set");
            case JwtVerifier.Verdict.Valid ok -> {
                Optional<String> tenant = claimText(ok.claims().get(j.tenantClaim()));
                if (tenant.isEmpty() || tenant.get().isEmpty()) {
                    yield denied("the token has no '" + j.tenantClaim() + "' claim to name its tenant");
                }
                Map<String, String> set = new LinkedHashMap<>();
                set.put(TENANT_HEADER, tenant.get());
                for (AuthPolicy.ClaimHeader h : j.headers()) {
                    claimText(ok.claims().get(h.claim())).ifPresent(value -> set.put(h.header(), value));
                }
                yield new Outcome.Allowed(policy, tenant.get(), "jwt", strip, set);
            }
        };
    }

    /**
     * A claim as header text: strings as they are, numbers and booleans in JSON form, arrays of
     * those joined with commas; objects, and values with control characters (which would break
     * the header), are left out.
     */
    static Optional<String> claimText(JsonValue v) {
        String text = switch (v) {
            case null -> null;
            case JsonString s -> s.getString();
            case JsonNumber n -> n.toString();
            case JsonArray a -> {
                List<String> parts = new ArrayList<>();
                for (JsonValue e : a) {
                    if (e instanceof JsonObject || e instanceof JsonArray) {
                        yield null;
                    }
                    claimText(e).ifPresent(parts::add);
                }
                yield String.join(",", parts);
            }
            default ->
                v.getValueType() == JsonValue.ValueType.TRUE
                        ? "true"
                        : v.getValueType() == JsonValue.ValueType.FALSE ? "false" : null;
        };
        if (text == null || text.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            return Optional.empty();
        }
        return Optional.of(text);
    }

    private static Optional<String> bearer(String authorization) {
        String a = authorization.strip();
        if (a.length() > 7 && a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String c = a.substring(7).strip();
            return c.isEmpty() ? Optional.empty() : Optional.of(c);
        }
        return Optional.empty();
    }

    private static boolean looksLikeJwt(String c) {
        int first = c.indexOf('.');
        return first > 0 && c.indexOf('.', first + 1) > first;
    }

    private String expected() {
        if (jwt.isPresent() && !apiKeys.isEmpty()) {
            return "API key or JWT";
        }
        return jwt.isPresent() ? "JWT" : "API key";
    }

    private static Outcome denied(String reason) {
        return new Outcome.Denied(
                reason,
                "Bearer realm=\"" + REALM + "\", error=\"invalid_token\", error_description=\""
                        + reason.replace("\"", "'").replace("\\", "") + "\"");
    }

    @Override
    public String toString() {
        return "Authenticator[" + policy + ", " + apiKeys + ", jwt=" + jwt.isPresent() + "]";
    }
}
