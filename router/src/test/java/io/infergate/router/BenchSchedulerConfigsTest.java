package io.infergate.router;

import io.infergate.router.schedule.SchedulerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scheduling benchmark's strategies (bench/scheduling/*.yaml) are valid router configurations. */
class BenchSchedulerConfigsTest {

    private static final Path DIR = Path.of("../bench/scheduling");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"random", "round-robin", "least-request", "epp-default", "ours"})
    void eachStrategyLoads(String strategy) {
        Path file = DIR.resolve(strategy + ".yaml");
        assertTrue(Files.isReadable(file), file.toAbsolutePath().toString());
        ConfigFile.readScheduler(file); // throws with the precise problem
    }

    @Test
    void oursIsTheBuiltInDefault() {
        assertEquals(SchedulerConfig.defaults(), ConfigFile.readScheduler(DIR.resolve("ours.yaml")));
    }
}
