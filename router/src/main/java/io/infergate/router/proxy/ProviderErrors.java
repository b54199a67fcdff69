package io.infergate.router.proxy;

import io.infergate.common.snapshot.Backend;
import io.infergate.router.inference.ErrorBody;

import java.util.Locale;

/**
 * Errors of external providers, as clients see them. Rule: a provider's error status always
 * reaches the client (a 401 for a wrong key stays a 401). An error whose body is JSON is passed
 * through as the provider wrote it (OpenAI-compatible providers answer OpenAI-style errors); any
 * other error body (an HTML page from a proxy in front of the provider, say) is replaced by an
 * OpenAI-style error naming the provider and the status, so clients can always parse the error.
 */
final class ProviderErrors {

    /** The code of an error the provider answered without a JSON body. */
    static final String PROVIDER_ERROR = "provider_error";

    private ProviderErrors() {}

    /** Whether the response is an error whose body must be replaced (it is not JSON). */
    static boolean wrap(UpstreamResponse response) {
        int code = response.status().code();
        if (code < 400) {
            return false;
        }
        String type = response.contentType().toLowerCase(Locale.ROOT);
        return !type.startsWith("application/json");
    }

    /** The replacement error: the provider's status, a stable code, no provider text. */
    static ErrorBody body(UpstreamResponse response, Backend.External provider) {
        int code = response.status().code();
        return ErrorBody.of(
                code, PROVIDER_ERROR, "the provider " + provider.id() + " answered " + code + " without an error body");
    }
}
