package io.infergate.simulator.engine;

import java.util.Arrays;
import java.util.List;

/**
 * The prompts of one request as the KV cache sees them: per prompt its token count and the chained
 * hashes of its full blocks of {@code blockSize} tokens.
 *
 * <p>Tokens follow the {@link Tokens} rule. The hash chain is {@code h0 = H(model ‖ block 0)},
 * {@code hᵢ = H(hᵢ₋₁ ‖ block i)}: one FNV-1a state runs over the model name and then every token
 * (each preceded by a separator, so {@code "ab"} and {@code "a b"} differ), and its value at the end
 * of each full block, passed through a 64-bit finalizer, is that block's hash. Equal hashes at
 * position i therefore mean equal prompts up to the end of block i, for the same model (a LoRA
 * adapter is its own model, as vLLM keys blocks by adapter). The partial last block has no hash: only
 * full blocks are cached, as in vLLM.
 *
 * <p>A cache text may contain labels, spans between two NUL characters (see {@link #label}): they are
 * mixed into the hash but are no tokens. Chat prompts label each message with its role, so a role
 * change alters the hash without changing the token count.
 */
public final class PromptBlocks {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final int TOKEN_SEPARATOR = 0x1F;
    private static final int LABEL_TAG = 0x1E;
    private static final long[] NO_HASHES = {};

    private final int blockSize;
    private final int[] tokens;
    private final long[][] hashes;

    private PromptBlocks(int blockSize, int[] tokens, long[][] hashes) {
        this.blockSize = blockSize;
        this.tokens = tokens;
        this.hashes = hashes;
    }

    /** Hashes every cache text (one per prompt) for {@code model}. */
    public static PromptBlocks hash(String model, int blockSize, List<String> cacheTexts) {
        requireBlockSize(blockSize);
        int[] tokens = new int[cacheTexts.size()];
        long[][] hashes = new long[cacheTexts.size()][];
        long seed = fold(FNV_OFFSET, model);
        for (int i = 0; i < tokens.length; i++) {
            Chain chain = new Chain(seed, blockSize, cacheTexts.get(i).length());
            chain.feed(cacheTexts.get(i));
            tokens[i] = chain.tokens;
            hashes[i] = chain.finish();
        }
        return new PromptBlocks(blockSize, tokens, hashes);
    }

    /** Prompts known only by their token counts: they take KV blocks but share none. */
    public static PromptBlocks unhashed(int blockSize, int... tokens) {
        requireBlockSize(blockSize);
        long[][] hashes = new long[tokens.length][];
        Arrays.fill(hashes, NO_HASHES);
        return new PromptBlocks(blockSize, tokens.clone(), hashes);
    }

    /** A label span for a cache text: hashed, never counted as a token. */
    public static String label(String label) {
        return "\0" + label.replace('\0', '\uFFFD') + "\0";
    }

    /** {@code text} made safe to follow labels in a cache text (NUL would open a label). */
    public static String unlabelled(String text) {
        return text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    }

    public int blockSize() {
        return blockSize;
    }

    public int prompts() {
        return tokens.length;
    }

    public int tokens(int prompt) {
        return tokens[prompt];
    }

    public int totalTokens() {
        int total = 0;
        for (int t : tokens) {
            total += t;
        }
        return total;
    }

    /** Hashes of the full blocks of one prompt, in order (empty for unhashed prompts). */
    long[] hashes(int prompt) {
        return hashes[prompt];
    }

    /** KV blocks the prompt occupies: full blocks and a partial last one. */
    int blocks(int prompt) {
        return (tokens[prompt] + blockSize - 1) / blockSize;
    }

    /**
     * Leading blocks that may count as cache hits: at least the last prompt token is always
     * computed (vLLM needs its logits), so a prompt of exactly k full blocks can hit k − 1 of them.
     */
    int maxHitBlocks(int prompt) {
        return tokens[prompt] == 0 ? 0 : Math.min(hashes[prompt].length, (tokens[prompt] - 1) / blockSize);
    }

    private static void requireBlockSize(int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize must be at least 1");
        }
    }

    private static long fold(long state, CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            state = (state ^ text.charAt(i)) * FNV_PRIME;
        }
        return state;
    }

    /** splitmix64's finalizer: spreads FNV's weak low bits before the value keys a hash map. */
    private static long finalizeHash(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** One pass over a cache text under the token rule, recording the state at each full block. */
    private static final class Chain {
        private final int blockSize;
        private long state;
        private int tokens;
        private long[] out;
        private int recorded;

        Chain(long seed, int blockSize, int textLength) {
            this.state = seed;
            this.blockSize = blockSize;
            this.out = new long[Math.max(1, textLength / (2 * blockSize) + 1)];
        }

        void feed(String text) {
            boolean inWord = false;
            for (int i = 0; i < text.length(); ) {
                int cp = text.codePointAt(i);
                i += Character.charCount(cp);
                if (cp == 0) {
                    int end = text.indexOf('\0', i);
                    end = end < 0 ? text.length() : end;
                    closeFullBlock();
                    state = fold((state ^ LABEL_TAG) * FNV_PRIME, text.subSequence(i, end));
                    i = Math.min(text.length(), end + 1);
                    inWord = false;
                } else if (Character.isLetterOrDigit(cp)) {
                    if (!inWord) {
                        startToken();
                        inWord = true;
                    }
                    state = (state ^ cp) * FNV_PRIME;
                } else {
                    inWord = false;
                    if (!Character.isWhitespace(cp)) {
                        startToken();
                        state = (state ^ cp) * FNV_PRIME;
                    }
                }
            }
        }

        long[] finish() {
            closeFullBlock();
            return recorded == 0 ? NO_HASHES : Arrays.copyOf(out, recorded);
        }

        private void startToken() {
            closeFullBlock();
            tokens++;
            state = (state ^ TOKEN_SEPARATOR) * FNV_PRIME;
        }

        /** Records the hash of the block just completed, before anything of the next block is folded in. */
        private void closeFullBlock() {
            if (tokens > 0 && tokens % blockSize == 0 && recorded < tokens / blockSize) {
                if (recorded == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                out[recorded++] = finalizeHash(state);
            }
        }
    }
}
