package io.infergate.simulator.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class TextGeneratorTest {

    @Test
    void outputRecountsToTheRequestedTokens() {
        for (int n = 1; n <= 40; n++) {
            assertEquals(n, Tokens.count(new TextGenerator(7).text("prompt", n)), "n=" + n);
        }
    }

    @Test
    void streamAndWholeTextAgreeAndDependOnSeedAndPrompt() {
        TextGenerator generator = new TextGenerator(1);
        TextGenerator.Stream stream = generator.stream("p");
        StringBuilder streamed = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            streamed.append(stream.next());
        }
        assertEquals(generator.text("p", 10), streamed.toString());
        assertEquals(new TextGenerator(1).text("p", 10), generator.text("p", 10));
        assertNotEquals(new TextGenerator(2).text("p", 10), generator.text("p", 10));
        assertNotEquals(generator.text("q", 10), generator.text("p", 10));
    }
}
