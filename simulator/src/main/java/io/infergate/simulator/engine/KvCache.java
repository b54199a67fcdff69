package io.infergate.simulator.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The paged KV cache of one pod with automatic prefix caching, modelled on vLLM's block pool.
 *
 * <p>{@code capacity} blocks are each in one of three states: <em>used</em> by running sequences
 * (pinned: a full block shared by reference count, or a private block: a prompt's partial last block
 * or a block filled by decoding), <em>cached</em> (a full block no running sequence holds, kept for
 * later prefix hits and evictable), or empty. Admission reserves blocks for the whole prompt; a new
 * block takes an empty slot, else evicts the least recently used cached block. Released blocks
 * become cached in reverse order, so a sequence's tail blocks are evicted before its prefix, as in
 * vLLM. Only full prompt blocks are hashed and shared; decode blocks are private and dropped.
 *
 * <p>Not thread-safe: the {@link BatchScheduler} calls it under its lock.
 */
final class KvCache {

    private final int capacity;
    private final Map<Long, Block> index = new HashMap<>();
    /** Cached blocks with no reference, least recently used first. */
    private final LinkedHashSet<Block> evictable = new LinkedHashSet<>();

    private long used;

    KvCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** Blocks held by running sequences; above {@link #capacity()} only when overcommitted (see {@link #grow}). */
    long used() {
        return used;
    }

    /** Unreferenced cached blocks, the eviction candidates. */
    int evictable() {
        return evictable.size();
    }

    /** Whether a block with this hash is cached (referenced or not). */
    boolean contains(long hash) {
        return index.containsKey(hash);
    }

    /** Leading full blocks of one prompt that are cached now, at most {@code max}. */
    int leadingHits(long[] hashes, int max) {
        int hits = 0;
        while (hits < max && index.containsKey(hashes[hits])) {
            hits++;
        }
        return hits;
    }

    /**
     * How many more blocks would be used if these prompts were admitted now: each distinct full block
     * not already held by a running sequence (cached or new), plus one private block per partial last
     * block. Blocks shared with running sequences, or repeated within the request, cost nothing.
     */
    long cost(PromptBlocks prompts) {
        Set<Long> seen = null;
        long cost = 0;
        for (int p = 0; p < prompts.prompts(); p++) {
            long[] hashes = prompts.hashes(p);
            if (prompts.prompts() > 1 && seen == null) {
                seen = new HashSet<>();
            }
            for (long hash : hashes) {
                if (seen != null && !seen.add(hash)) {
                    continue;
                }
                Block block = index.get(hash);
                if (block == null || block.refs == 0) {
                    cost++;
                }
            }
            cost += prompts.blocks(p) - hashes.length;
        }
        return cost;
    }

    /** Whether {@code cost} more blocks fit without evicting a used one. */
    boolean fits(long cost) {
        return used + cost <= capacity;
    }

    /**
     * Takes the blocks of every prompt: cached leading blocks are hits, the rest are allocated (and
     * their full blocks indexed for later requests). Prompts are taken in order, so a later prompt of
     * the same request hits the blocks of an earlier one, as vLLM's batched requests do.
     */
    Allocation allocate(PromptBlocks prompts) {
        List<Block> pinned = new ArrayList<>();
        long privateBlocks = 0;
        int hitTokens = 0;
        for (int p = 0; p < prompts.prompts(); p++) {
            long[] hashes = prompts.hashes(p);
            hitTokens += leadingHits(hashes, prompts.maxHitBlocks(p)) * prompts.blockSize();
            // Pin what is cached first, so making room for the new blocks cannot evict one of them.
            Block[] blocks = new Block[hashes.length];
            for (int i = 0; i < hashes.length; i++) {
                Block block = index.get(hashes[i]);
                if (block != null) {
                    pin(block);
                    blocks[i] = block;
                }
            }
            for (int i = 0; i < hashes.length; i++) {
                if (blocks[i] == null) {
                    makeRoom();
                    Block block = new Block(hashes[i]);
                    index.put(block.hash, block);
                    block.refs = 1;
                    used++;
                    blocks[i] = block;
                }
            }
            pinned.addAll(List.of(blocks));
            long tail = (long) prompts.blocks(p) - hashes.length;
            for (long i = 0; i < tail; i++) {
                makeRoom();
                used++;
            }
            privateBlocks += tail;
        }
        return new Allocation(pinned, privateBlocks, hitTokens);
    }

    /**
     * Decode filled a block: one more private block, taken from an empty slot or by evicting a cached
     * block. With neither left the cache is overcommitted (vLLM would preempt a sequence; the
     * simulator does not) and admission waits until enough is released.
     */
    void grow(Allocation allocation, int blocks) {
        for (int i = 0; i < blocks; i++) {
            makeRoom();
            used++;
        }
        allocation.privateBlocks += blocks;
    }

    /** Gives back an allocation; its full blocks stay cached, the sequence's tail first in line for eviction. */
    void release(Allocation allocation) {
        List<Block> pinned = allocation.pinned;
        for (int i = pinned.size() - 1; i >= 0; i--) {
            Block block = pinned.get(i);
            if (--block.refs == 0) {
                evictable.add(block);
                used--;
            }
        }
        used -= allocation.privateBlocks;
        // An overcommitted cache may hold more than fits once released: drop the least recently used.
        while (used + evictable.size() > capacity && !evictable.isEmpty()) {
            evictOldest();
        }
    }

    private void pin(Block block) {
        if (block.refs++ == 0) {
            evictable.remove(block);
            used++;
        }
    }

    private void makeRoom() {
        if (used + evictable.size() >= capacity && !evictable.isEmpty()) {
            evictOldest();
        }
    }

    private void evictOldest() {
        Iterator<Block> oldest = evictable.iterator();
        Block block = oldest.next();
        oldest.remove();
        index.remove(block.hash);
    }

    /** One cached full block. Identity equality: the evictable set holds distinct objects. */
    static final class Block {
        final long hash;
        int refs;

        Block(long hash) {
            this.hash = hash;
        }
    }

    /** What one admitted sequence holds. */
    static final class Allocation {
        final List<Block> pinned;
        long privateBlocks;
        final int hitTokens;

        Allocation(List<Block> pinned, long privateBlocks, int hitTokens) {
            this.pinned = pinned;
            this.privateBlocks = privateBlocks;
            this.hitTokens = hitTokens;
        }
    }
}
