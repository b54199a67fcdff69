package io.infergate.router.settings;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** One section read as a settings record reads it: values, defaults, and the message of each mistake. */
class SectionTest {

    private static Section section(Map<String, String> values) {
        Config root = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.create(values))
                .build();
        return Section.of(root.get("router").get("upstream"));
    }

    @Test
    void absentKeysAndAnAbsentSectionGiveTheDefaults() {
        Section s = section(Map.of());
        assertEquals(7, s.integer("n", 7));
        assertEquals(Duration.ofSeconds(3), s.duration("d", Duration.ofSeconds(3)));
        assertTrue(s.bool("b", true));
        assertFalse(s.has("n"));
        s.rejectUnknown();
    }

    @Test
    void valuesAreReadTrimmed() {
        Section s = section(Map.of(
                "router.upstream.n",
                " 12 ",
                "router.upstream.d",
                "PT0.5S",
                "router.upstream.b",
                "false",
                "router.upstream.big",
                "4294967296",
                "router.upstream.x",
                "0.25"));
        assertEquals(12, s.integer("n", 0));
        assertEquals(Duration.ofMillis(500), s.duration("d", Duration.ZERO));
        assertFalse(s.bool("b", true));
        assertEquals(4_294_967_296L, s.bytes("big", 0), "sizes may exceed an int");
        assertEquals(0.25, s.positive("x", 1));
        s.rejectUnknown();
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                arguments(
                        "not a whole number",
                        "abc",
                        (Consumer<Section>) s -> s.integer("k", 1),
                        "'router.upstream.k' must be a whole number, got 'abc'"),
                arguments(
                        "an int bound",
                        "2147483648",
                        (Consumer<Section>) s -> s.integer("k", 1),
                        "'router.upstream.k' is out of range: 2147483648"),
                arguments(
                        "negative",
                        "-1",
                        (Consumer<Section>) s -> s.bytes("k", 1),
                        "'router.upstream.k' is out of range: -1"),
                arguments(
                        "not ISO-8601",
                        "5s",
                        (Consumer<Section>) s -> s.duration("k", Duration.ZERO),
                        "'router.upstream.k' must be an ISO-8601 duration such as PT5S, got '5s'"),
                arguments(
                        "a switch is true or false",
                        "maybe",
                        (Consumer<Section>) s -> s.bool("k", true),
                        "'router.upstream.k' must be true or false, got 'maybe'"),
                arguments(
                        "zero is not positive",
                        "0",
                        (Consumer<Section>) s -> s.positive("k", 1),
                        "'router.upstream.k' must be a positive number, got '0'"),
                arguments(
                        "not a number",
                        "x",
                        (Consumer<Section>) s -> s.positive("k", 1),
                        "'router.upstream.k' must be a number, got 'x'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void eachMistakeNamesTheFullKey(String reason, String raw, Consumer<Section> read, String message) {
        Section s = section(Map.of("router.upstream.k", raw));
        assertEquals(
                message,
                assertThrows(IllegalArgumentException.class, () -> read.accept(s))
                        .getMessage(),
                reason);
    }

    @Test
    void aKeyNoRecordReadIsRefusedNamingWhatWasExpected() {
        Section s = section(Map.of("router.upstream.read-timeout", "PT1S", "router.upstream.read-timout", "PT1S"));
        s.duration("read-timeout", Duration.ZERO);
        s.duration("connect-timeout", Duration.ZERO);
        assertEquals(
                "unknown key 'router.upstream.read-timout' (expected one of [connect-timeout, read-timeout])",
                assertThrows(IllegalArgumentException.class, s::rejectUnknown).getMessage());
    }
}
