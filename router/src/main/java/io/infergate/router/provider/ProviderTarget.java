package io.infergate.router.provider;

import io.infergate.common.snapshot.Backend;

import java.util.Set;

/**
 * Where and how a request to an external provider goes, computed without I/O.
 *
 * <p>Path rule: OpenAI clients join their base URL (which ends in {@code /v1}) with
 * {@code /chat/completions}; clients of the gateway send {@code /v1/chat/completions}. So a request
 * path starting with {@code /v1/} (or equal to {@code /v1}) loses that {@code /v1} and is appended to
 * the base URL's path; any other path is appended whole. {@code https://api.example.com/v1} and
 * {@code /v1/chat/completions} give {@code /v1/chat/completions};
 * {@code https://example.com/openai/v1} gives {@code /openai/v1/chat/completions}.
 *
 * <p>Header rule: the client's {@code Authorization} (and any other credential or proxy header
 * in {@link #DROPPED}) never reaches the provider: the key of the provider's Secret replaces it, and
 * the client's address ({@code x-forwarded-for}) is not handed to a third party. Host is the
 * provider's authority.
 */
public final class ProviderTarget {

    /** Headers removed from every request to a provider, compared case-insensitively. */
    public static final Set<String> DROPPED =
            Set.of("authorization", "proxy-authorization", "x-api-key", "cookie", "x-forwarded-for", "forwarded");

    private ProviderTarget() {}

    /** The request target at the provider: base path, then the request's path (see the class rule) and query. */
    public static String target(Backend.External x, String rawPath, String rawQuery) {
        String path = rawPath;
        if (path.equals("/v1")) {
            path = "";
        } else if (path.startsWith("/v1/")) {
            path = path.substring(3);
        }
        String joined = x.basePath() + path;
        if (joined.isEmpty()) {
            joined = "/";
        }
        return joined + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
    }

    /** The Host header: the host, with the port unless it is 443. */
    public static String authority(Backend.External x) {
        String host = x.host();
        return x.port() == 443 ? host : host + ":" + x.port();
    }

    /** The Authorization value; never logged. */
    public static String authorization(Backend.External x) {
        return "Bearer " + x.apiKey();
    }
}
