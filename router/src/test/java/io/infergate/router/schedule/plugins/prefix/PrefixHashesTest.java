package io.infergate.router.schedule.plugins.prefix;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The block hashes are part of the contract between routers (several routers, possibly of
 * different versions, must compute the same chain): pinned values, and equality with the plain
 * two-steps-per-char FNV-1a the scheme is defined by, for ASCII, Latin-1 and wider chars.
 */
class PrefixHashesTest {

    private static final String MIXED =
            "The quick brown fox jumps over the lazy dog. Prix: 12€ — naïve café, 東京 🚀 ".repeat(3);

    /** FNV-1a over each char's low then high byte, then the MurmurHash3 finaliser: the definition. */
    private static long reference(CharSequence s, int from, int to, long previous) {
        long h = 0xcbf29ce484222325L ^ previous;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            h = (h ^ (c & 0xff)) * 0x100000001b3L;
            h = (h ^ (c >>> 8)) * 0x100000001b3L;
        }
        return PrefixHashes.mix(h);
    }

    private static long[] referenceChain(String model, String prompt, int blockChars, int maxBlocks) {
        int n = Math.min(maxBlocks, prompt.length() / blockChars);
        long[] out = new long[n];
        long h = reference(model, 0, model.length(), 0x9E3779B97F4A7C15L);
        for (int i = 0; i < n; i++) {
            h = reference(prompt, i * blockChars, (i + 1) * blockChars, h);
            out[i] = h;
        }
        return out;
    }

    @Test
    void pinnedValuesForMixedText() {
        assertArrayEquals(
                new long[] {
                    -1053813231048007180L,
                    8583580395716236067L,
                    -3980219286478945503L,
                    -5721428834696546883L,
                    -6625260727570773871L,
                    7677623391704757909L,
                    -4041643451898257154L,
                    -8071302141124559885L,
                    -3382890379229009560L,
                    -1572610083757724343L,
                    7330804566373547164L,
                    7754945149671380109L,
                    7117783901764941428L,
                    7690749011026215766L
                },
                PrefixHashes.chain("m", MIXED, 16, 100));
    }

    @Test
    void equalToTheDefinitionOnRandomText() {
        SplittableRandom r = new SplittableRandom(3);
        for (int round = 0; round < 200; round++) {
            StringBuilder b = new StringBuilder();
            int len = r.nextInt(0, 600);
            int range = switch (round % 3) {
                case 0 -> 0x80; // ASCII
                case 1 -> 0x100; // Latin-1
                default -> 0x10000; // any UTF-16 unit
            };
            for (int i = 0; i < len; i++) {
                b.append((char) r.nextInt(range));
            }
            String model = "model-" + round;
            assertArrayEquals(
                    referenceChain(model, b.toString(), 64, 8), PrefixHashes.chain(model, b.toString(), 64, 8));
            assertArrayEquals(referenceChain("", b.toString(), 7, 100), PrefixHashes.chain("", b.toString(), 7, 100));
        }
    }
}
