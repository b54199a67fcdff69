package io.infergate.controller.kube;

import io.infergate.controller.decode.Decoded;
import io.infergate.controller.decode.ObjectDecoder;
import io.infergate.controller.model.KubeObject;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Decoded objects by kind, namespace and name, reused while the resourceVersion is unchanged (a
 * rebuild decodes only what changed). An object that does not decode is logged once per version
 * and left out. Used by one rebuild thread at a time.
 */
final class DecodeCache {

    private static final Logger LOG = Logger.getLogger(DecodeCache.class.getName());
    /** API objects always have a creationTimestamp; the decoder wants a stand-in for manifests that lack one. */
    private static final String STAND_IN_TIME = "1970-01-01T00:00:00Z";

    private record Cached(String resourceVersion, Optional<KubeObject> object) {}

    private final Map<String, Cached> decoded = new HashMap<>();
    private final Set<String> reported = new HashSet<>();
    private final Set<String> seen = new HashSet<>();

    /** The object as the model has it; empty for a kind the model ignores or an object that does not decode. */
    Optional<KubeObject> decode(Listed o) {
        String key = o.key();
        seen.add(key);
        Cached cached = decoded.get(key);
        if (cached == null || !cached.resourceVersion().equals(o.resourceVersion())) {
            cached = new Cached(o.resourceVersion(), decodeNow(o, key));
            decoded.put(key, cached);
        }
        return cached.object();
    }

    /** Forgets every object not decoded since the last call: deleted objects do not stay cached. */
    void forgetUnseen() {
        decoded.keySet().retainAll(seen);
        reported.removeIf(r -> !seen.contains(r.substring(0, r.lastIndexOf('@'))));
        seen.clear();
    }

    private Optional<KubeObject> decodeNow(Listed o, String key) {
        return switch (ObjectDecoder.decode(o.tree().get(), STAND_IN_TIME)) {
            case Decoded.Ok ok -> Optional.of(ok.object());
            case Decoded.Unknown u -> Optional.empty();
            case Decoded.Invalid bad -> {
                if (reported.add(key + "@" + o.resourceVersion())) {
                    LOG.warning(() -> key + " cannot be read, left out: " + bad.reason());
                }
                yield Optional.empty();
            }
        };
    }
}
