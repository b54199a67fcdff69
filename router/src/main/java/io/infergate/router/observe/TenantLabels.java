package io.infergate.router.observe;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the values of a {@code tenant} label: the first {@code max} tenants seen keep their name,
 * every later one is {@code other}, so a JWT issuer with a million subjects cannot grow the
 * metrics without bound.
 */
final class TenantLabels {
    static final String OTHER = "other";

    private final int max;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    TenantLabels(int max) {
        this.max = max;
    }

    String label(String tenant) {
        if (known.contains(tenant)) {
            return tenant;
        }
        synchronized (known) {
            if (known.size() < max) {
                known.add(tenant);
                return tenant;
            }
        }
        return known.contains(tenant) ? tenant : OTHER;
    }
}
