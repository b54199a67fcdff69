package io.infergate.router.schedule.plugins.prefix;

/**
 * The prompt's chained block hashes (the Inference Extension endpoint picker's scheme, docs/plugins/prefix-cache-scorer.md): the prompt is cut into
 * blocks of {@code blockChars} characters (64 ≈ 16 tokens), at most {@code maxBlocks}, only full
 * blocks count; {@code h0 = hash(model)}, {@code hᵢ = hash(blockᵢ ‖ hᵢ₋₁)}. Equal {@code hᵢ}
 * means equal model and equal first {@code i} blocks. The hash is FNV-1a over the UTF-16 chars
 * finished by the MurmurHash3 mixer: fixed, so every router (any JVM, any version) computes the
 * same values.
 */
public final class PrefixHashes {

    private PrefixHashes() {}

    /** {@code h1..hn} (h0 is folded in, not returned); empty when the prompt has no full block. */
    public static long[] chain(String model, String prompt, int blockChars, int maxBlocks) {
        int n = Math.min(maxBlocks, prompt.length() / blockChars);
        long[] out = new long[n];
        long h = of(model, 0, model.length(), 0x9E3779B97F4A7C15L);
        for (int i = 0; i < n; i++) {
            h = of(prompt, i * blockChars, (i + 1) * blockChars, h);
            out[i] = h;
        }
        return out;
    }

    /** The hash of {@code s[from, to)} chained to {@code previous}. */
    static long of(CharSequence s, int from, int to, long previous) {
        long h = 0xcbf29ce484222325L ^ previous;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x100) {
                // The high byte is 0 and h ^ 0 = h, so the two FNV steps are one multiply by
                // PRIME²: the same value with half the dependent multiplies (most prompts are ASCII).
                h = (h ^ c) * PRIME_SQUARED;
            } else {
                h = (h ^ (c & 0xff)) * PRIME;
                h = (h ^ (c >>> 8)) * PRIME;
            }
        }
        return mix(h);
    }

    private static final long PRIME = 0x100000001b3L;
    /** PRIME * PRIME modulo 2^64: the product wraps, as every multiply in the loop does. */
    private static final long PRIME_SQUARED = 0x366000002e329L;

    /** MurmurHash3's 64-bit finaliser. */
    public static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    /** A stable hash of an endpoint key. */
    public static long ofKey(String key) {
        return of(key, 0, key.length(), 0);
    }
}
