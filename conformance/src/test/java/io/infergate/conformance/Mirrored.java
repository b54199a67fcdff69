package io.infergate.conformance;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * Upstream's mirror checks ({@code http.ExpectMirroredRequest}): a mirrored copy is seen in the
 * echo log of the mirror backend's pods, found by the request's unique
 * {@code gateway-api-conformance-request-id} query parameter.
 */
final class Mirrored {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    private Mirrored() {}

    /** {@code path} with a fresh {@code gateway-api-conformance-request-id}. */
    static String unique(String path) {
        return path + (path.contains("?") ? "&" : "?") + "gateway-api-conformance-request-id=" + UUID.randomUUID();
    }

    /** Waits until every backend (pod name prefix) has echoed {@code target}. */
    static void awaitCopies(ConformanceEnv env, String target, List<String> backends) {
        for (String backend : backends) {
            await(target + " mirrored to " + backend)
                    .atMost(WITHIN)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> env.echoed(backend).contains(target));
        }
    }

    /** How many requests whose target starts with {@code prefix} the backend's pods echoed. */
    static long count(ConformanceEnv env, String backend, String prefix) {
        return env.echoed(backend).stream().filter(t -> t.startsWith(prefix)).count();
    }
}
