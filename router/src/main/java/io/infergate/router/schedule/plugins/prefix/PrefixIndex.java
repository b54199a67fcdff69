package io.infergate.router.schedule.plugins.prefix;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This router's approximate record of which endpoint holds which prefix blocks: per endpoint an
 * LRU set of block hashes, filled with the blocks of every request sent there (the EPP's
 * assumption: the picked server now caches the prompt). Per-endpoint locks; no I/O.
 */
final class PrefixIndex {

    private final int capacityPerEndpoint;
    private final ConcurrentHashMap<String, Lru> byEndpoint = new ConcurrentHashMap<>();

    PrefixIndex(int capacityPerEndpoint) {
        this.capacityPerEndpoint = capacityPerEndpoint;
    }

    /** Leading blocks of {@code chain} the endpoint is known to hold. */
    int leadingMatches(String endpoint, long[] chain) {
        Lru lru = byEndpoint.get(endpoint);
        if (lru == null) {
            return 0;
        }
        synchronized (lru) {
            int i = 0;
            while (i < chain.length && lru.get(chain[i]) != null) {
                i++;
            }
            return i;
        }
    }

    void record(String endpoint, long[] chain) {
        if (chain.length == 0) {
            return;
        }
        Lru lru = byEndpoint.computeIfAbsent(endpoint, k -> new Lru(capacityPerEndpoint));
        synchronized (lru) {
            for (long h : chain) {
                lru.put(h, Boolean.TRUE);
            }
        }
    }

    private static final class Lru extends LinkedHashMap<Long, Boolean> {
        private final int capacity;

        Lru(int capacity) {
            super(64, 0.75f, true);
            this.capacity = capacity;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > capacity;
        }
    }
}
