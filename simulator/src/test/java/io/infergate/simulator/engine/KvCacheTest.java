package io.infergate.simulator.engine;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KvCacheTest {

    private static final int BLOCK = 2;

    @Test
    void aRepeatedPromptHitsItsLeadingBlocksAndSharesThem() {
        KvCache cache = new KvCache(10);
        PromptBlocks prompt = prompt("a b c d e"); // 5 tokens: 2 full blocks + 1 partial
        assertEquals(3, cache.cost(prompt));

        KvCache.Allocation first = cache.allocate(prompt);
        assertEquals(0, first.hitTokens);
        assertEquals(3, cache.used());

        assertEquals(1, cache.cost(prompt), "only the partial block is new while the first still runs");
        KvCache.Allocation second = cache.allocate(prompt);
        assertEquals(4, second.hitTokens);
        assertEquals(4, cache.used(), "shared full blocks count once");

        cache.release(first);
        cache.release(second);
        assertEquals(0, cache.used());
        assertEquals(2, cache.evictable(), "full blocks stay cached, partial ones are dropped");
        assertEquals(4, cache.allocate(prompt).hitTokens);
    }

    @Test
    void aPromptOfWholeBlocksRecomputesItsLastBlock() {
        KvCache cache = new KvCache(10);
        PromptBlocks prompt = prompt("a b c d");
        cache.release(cache.allocate(prompt));
        KvCache.Allocation again = cache.allocate(prompt);
        assertEquals(2, again.hitTokens, "1 of 2 blocks: the last token must be computed");
        assertEquals(2, cache.used(), "both cached blocks are still shared, not copied");
    }

    @Test
    void evictionTakesTheLeastRecentlyUsedUnpinnedBlocksTailFirst() {
        KvCache cache = new KvCache(6);
        KvCache.Allocation pinned = cache.allocate(prompt("p q r s")); // P0 P1, running throughout
        cache.release(cache.allocate(prompt("a b c d"))); // A0 A1 cached first
        cache.release(cache.allocate(prompt("e f g h"))); // E0 E1 cached later
        assertEquals(2, cache.used());
        assertEquals(4, cache.evictable());

        // Two new blocks: the cache is full, so the least recently used A blocks go, tail first.
        KvCache.Allocation x = cache.allocate(prompt("x y"));
        assertFalse(cached("a b c d", 1, cache), "A1 was released before A0, so it is evicted first");
        assertTrue(cached("a b c d", 0, cache), "one block was enough for x y");
        cache.allocate(prompt("u v"));
        assertFalse(cached("a b c d", 0, cache));
        assertTrue(cached("e f g h", 0, cache) && cached("e f g h", 1, cache), "E is newer than A");
        assertTrue(cached("p q r s", 0, cache) && cached("p q r s", 1, cache), "running blocks are never evicted");

        cache.release(pinned);
        cache.release(x);
    }

    @Test
    void aHitMakesItsBlocksRecentlyUsed() {
        KvCache cache = new KvCache(4);
        cache.release(cache.allocate(prompt("a b c d"))); // A cached first
        cache.release(cache.allocate(prompt("e f g h"))); // then E: the cache is full
        KvCache.Allocation hit = cache.allocate(prompt("a b c d"));
        assertEquals(2, hit.hitTokens);
        cache.release(hit); // A is now more recent than E
        cache.allocate(prompt("x y z w"));
        assertTrue(cached("a b c d", 0, cache) && cached("a b c d", 1, cache));
        assertFalse(cached("e f g h", 0, cache) || cached("e f g h", 1, cache));
    }

    @Test
    void costCountsCachedBlocksThatMustBePinnedAndRequestsThatDoNotFitAreRefused() {
        KvCache cache = new KvCache(4);
        cache.release(cache.allocate(prompt("a b c d")));
        KvCache.Allocation running = cache.allocate(prompt("w x y z")); // 2 empty slots left: A stays cached
        assertEquals(2, cache.used());
        assertEquals(2, cache.evictable());
        assertEquals(3, cache.cost(prompt("a b c d e")), "A's 2 cached blocks must be pinned, + 1 partial");
        assertTrue(cache.fits(2));
        assertFalse(cache.fits(3));
        cache.release(running);
        assertTrue(cache.fits(cache.cost(prompt("w x y z q"))));
    }

    @Test
    void batchedPromptsShareBlocksWithinTheRequest() {
        KvCache cache = new KvCache(10);
        PromptBlocks twice = PromptBlocks.hash("m", BLOCK, List.of("a b c d e", "a b c d e"));
        assertEquals(4, cache.cost(twice), "2 shared full blocks + 2 partial blocks");
        KvCache.Allocation allocation = cache.allocate(twice);
        assertEquals(4, allocation.hitTokens, "the second prompt hits what the first just computed");
        assertEquals(4, cache.used());
        cache.release(allocation);
        assertEquals(0, cache.used());
        assertEquals(2, cache.evictable());
    }

    @Test
    void decodeGrowthEvictsCachedBlocksThenOvercommitsUntilReleased() {
        KvCache cache = new KvCache(3);
        cache.release(cache.allocate(prompt("a b c d")));
        KvCache.Allocation running = cache.allocate(prompt("x"));
        cache.grow(running, 1);
        assertEquals(2, cache.used());
        assertEquals(1, cache.evictable(), "one cached block evicted to make room");
        cache.grow(running, 2);
        assertEquals(4, cache.used(), "overcommitted: no preemption");
        assertEquals(0, cache.evictable());
        cache.release(running);
        assertEquals(0, cache.used());
    }

    private static PromptBlocks prompt(String text) {
        return PromptBlocks.hash("m", BLOCK, List.of(text));
    }

    private static boolean cached(String text, int block, KvCache cache) {
        return cache.contains(prompt(text).hashes(0)[block]);
    }
}
