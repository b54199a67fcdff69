package io.infergate.simulator.engine;

import java.nio.charset.StandardCharsets;

/**
 * Deterministic output text: the same seed and prompt always give the same words, different
 * prompts (almost always) give different ones. Each generated token is one word of a fixed
 * vocabulary, preceded by a space except the first, so the output re-counts to exactly the
 * number of generated tokens under the {@link Tokens} rule.
 */
public final class TextGenerator {

    private static final String[] VOCABULARY =
            ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt "
                            + "ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation "
                            + "ullamco laboris nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit "
                            + "voluptate velit esse cillum fugiat nulla pariatur excepteur sint occaecat cupidatat non "
                            + "proident sunt culpa qui officia deserunt mollit anim id est laborum")
                    .split(" ");

    private final long seed;

    public TextGenerator(long seed) {
        this.seed = seed;
    }

    /** A fresh word stream for one choice; not thread-safe, one per choice. */
    public Stream stream(String prompt) {
        return new Stream(mix(seed ^ fnv1a(prompt)));
    }

    /** The whole output for a prompt, as {@link #stream} would produce it token by token. */
    public String text(String prompt, int tokens) {
        Stream words = stream(prompt);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < tokens; i++) {
            out.append(words.next());
        }
        return out.toString();
    }

    /** Successive token texts of one choice. */
    public static final class Stream {
        private long state;
        private boolean first = true;

        private Stream(long state) {
            this.state = state;
        }

        public String next() {
            // splitmix64 step: a tiny, well-mixed generator whose sequence depends only on the start.
            state += 0x9E3779B97F4A7C15L;
            String word = VOCABULARY[(int) Long.remainderUnsigned(mix(state), VOCABULARY.length)];
            if (first) {
                first = false;
                return word;
            }
            return " " + word;
        }
    }

    private static long fnv1a(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
