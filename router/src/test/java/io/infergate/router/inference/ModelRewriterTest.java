package io.infergate.router.inference;

import io.infergate.common.snapshot.ModelRewrite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which model a request goes upstream as: header, then the first matching rule, then weights. */
class ModelRewriterTest {

    private static final List<ModelRewrite> RULES = List.of(
            rule("exact", List.of("food-review", "food-review-latest"), "food-review-v1"),
            rule("exact-newer", List.of("food-review"), "food-review-v3"),
            rule("generic", List.of(), "base"));

    private static ModelRewrite rule(String id, List<String> models, String target) {
        return new ModelRewrite(id, models, List.of(new ModelRewrite.Target(target, 1)));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(
                        "the first matching rule wins (the controller sorted the oldest first)",
                        "food-review",
                        Optional.empty(),
                        Optional.of("food-review-v1")),
                Arguments.of("matches are ORed", "food-review-latest", Optional.empty(), Optional.of("food-review-v1")),
                Arguments.of("a generic rule catches the rest", "anything", Optional.empty(), Optional.of("base")),
                Arguments.of(
                        "the header forces its target over every rule",
                        "food-review",
                        Optional.of("food-review-v2"),
                        Optional.of("food-review-v2")),
                Arguments.of(
                        "a blank header is ignored", "food-review", Optional.of("  "), Optional.of("food-review-v1")),
                Arguments.of("rewriting to the same name is no rewrite", "base", Optional.empty(), Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void target(String reason, String model, Optional<String> header, Optional<String> expected) {
        assertEquals(expected, ModelRewriter.target(model, header, RULES, new SplittableRandom(1)));
    }

    @Test
    void noRuleNoRewrite() {
        assertEquals(
                Optional.empty(),
                ModelRewriter.target(
                        "m", Optional.empty(), List.of(rule("only", List.of("other"), "x")), new SplittableRandom(1)));
    }

    @Test
    void targetsAreDrawnByWeight() {
        ModelRewrite canary = new ModelRewrite(
                "canary", List.of("m"), List.of(new ModelRewrite.Target("v1", 90), new ModelRewrite.Target("v2", 10)));
        SplittableRandom random = new SplittableRandom(42);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            counts.merge(
                    ModelRewriter.target("m", Optional.empty(), List.of(canary), random)
                            .orElseThrow(),
                    1,
                    Integer::sum);
        }
        // 10% of 10,000 = 1,000; with the seed fixed the count is exact, the bound states the intent
        assertTrue(Math.abs(counts.get("v2") - 1_000) < 100, counts.toString());
        assertEquals(10_000, counts.get("v1") + counts.get("v2"));
    }
}
