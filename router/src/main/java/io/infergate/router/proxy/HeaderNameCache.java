package io.infergate.router.proxy;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Helidon {@link HeaderName}s by the name as written, made once: {@code HeaderNames.create} lowers
 * the case and looks the name up in two maps on every call, about 2% of the router's CPU per
 * request when every response header of every answer went through it (bench/tls.sh profile).
 * Bounded: past {@link #MAX} distinct spellings (names come from clients and endpoints) a name is
 * made per call again, so odd names cannot grow the cache.
 */
final class HeaderNameCache {

    static final int MAX = 4096;
    private static final ConcurrentHashMap<String, HeaderName> NAMES = new ConcurrentHashMap<>();

    private HeaderNameCache() {}

    /** The header name for {@code name}, as {@link HeaderNames#create(String)} makes it. */
    static HeaderName of(String name) {
        HeaderName n = NAMES.get(name);
        if (n != null) {
            return n;
        }
        n = HeaderNames.create(name);
        if (NAMES.size() < MAX) {
            NAMES.putIfAbsent(name, n);
        }
        return n;
    }
}
