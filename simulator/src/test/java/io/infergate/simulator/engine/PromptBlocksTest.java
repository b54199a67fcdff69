package io.infergate.simulator.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class PromptBlocksTest {

    private static final String MODEL = "m";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "Hello, world!",
                "  a  b\tc\n",
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                "one two three four five six seven",
                "naïve café — 東京 🙂 ok",
                "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q"
            })
    void tokenCountFollowsTheTokenRuleAndEveryFullBlockHasAHash(String text) {
        PromptBlocks blocks = hash(4, text);
        assertEquals(Tokens.count(text), blocks.tokens(0));
        assertEquals(Tokens.count(text) / 4, blocks.hashes(0).length);
        assertEquals((Tokens.count(text) + 3) / 4, blocks.blocks(0));
    }

    @Test
    void aBlockHashCoversTheWholePrefixBeforeIt() {
        long[] base = hash(2, "a b c d e f").hashes(0);
        long[] sameStart = hash(2, "a b c d x f").hashes(0);
        long[] otherFirst = hash(2, "z b c d e f").hashes(0);

        assertEquals(3, base.length);
        assertEquals(base[0], sameStart[0]);
        assertEquals(base[1], sameStart[1]);
        assertNotEquals(base[2], sameStart[2]);
        // Blocks 1 and 2 hold the same tokens, but their prefix differs.
        for (int i = 0; i < 3; i++) {
            assertNotEquals(base[i], otherFirst[i], "block " + i);
        }
    }

    @Test
    void theModelStartsTheChain() {
        long[] a = PromptBlocks.hash("model-a", 2, List.of("a b c d")).hashes(0);
        long[] b = PromptBlocks.hash("model-b", 2, List.of("a b c d")).hashes(0);
        assertNotEquals(a[0], b[0]);
        assertNotEquals(a[1], b[1]);
    }

    @Test
    void tokenBoundariesCountButWhitespaceDoesNot() {
        assertArrayEquals(hash(2, "ab cd").hashes(0), hash(2, "ab \n\t cd").hashes(0));
        assertNotEquals(hash(1, "ab").hashes(0)[0], hash(1, "a b").hashes(0)[0]);
    }

    @Test
    void labelsChangeTheHashButAreNoTokens() {
        String user = PromptBlocks.label("user") + "a b c d";
        String system = PromptBlocks.label("system") + "a b c d";
        PromptBlocks asUser = hash(2, user);
        assertEquals(4, asUser.tokens(0));
        assertEquals(4, hash(2, system).tokens(0));
        assertNotEquals(asUser.hashes(0)[0], hash(2, system).hashes(0)[0]);
        // A label that falls on a block boundary belongs to the next block.
        long[] split = hash(2, "a b" + PromptBlocks.label("user") + "c d").hashes(0);
        assertEquals(hash(2, "a b c d").hashes(0)[0], split[0]);
        assertNotEquals(hash(2, "a b c d").hashes(0)[1], split[1]);
    }

    @Test
    void theLastPromptTokenIsNeverACacheHit() {
        assertEquals(1, hash(4, "a b c d e f g h").maxHitBlocks(0), "8 tokens: 2 full blocks, 1 may hit");
        assertEquals(2, hash(4, "a b c d e f g h i").maxHitBlocks(0));
        assertEquals(0, hash(4, "a b c").maxHitBlocks(0));
        assertEquals(0, hash(4, "").maxHitBlocks(0));
    }

    @Test
    void unhashedPromptsTakeBlocksButHaveNoHashes() {
        PromptBlocks blocks = PromptBlocks.unhashed(16, 17, 3);
        assertEquals(2, blocks.blocks(0));
        assertEquals(1, blocks.blocks(1));
        assertEquals(0, blocks.hashes(0).length);
        assertEquals(20, blocks.totalTokens());
    }

    private static PromptBlocks hash(int blockSize, String text) {
        return PromptBlocks.hash(MODEL, blockSize, List.of(text));
    }
}
