package io.infergate.router;

import io.infergate.router.schedule.framework.SchedulerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduling benchmark's strategies (bench/scheduling/&lt;strategy&gt;.yaml) are valid scheduler configurations,
 * and their optional router configs (&lt;strategy&gt;.router.yaml) are valid router config files.
 */
class BenchSchedulerConfigsTest {

    private static final Path DIR = Path.of("../bench/scheduling");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"random", "round-robin", "least-request", "epp-default", "ours"})
    void eachStrategyLoads(String strategy) {
        Path file = DIR.resolve(strategy + ".yaml");
        assertTrue(Files.isReadable(file), file.toAbsolutePath().toString());
        ConfigFile.readScheduler(file); // throws with the precise problem
    }

    /**
     * Every scheduler profile in the benchmark folder loads, the development comparisons too
     * (ours-gain01, ours-no-bound, ...): a profile that fails to parse would only show up as a
     * router that does not start in the middle of a benchmark run.
     */
    @Test
    void everySchedulerProfileInTheFolderLoads() throws java.io.IOException {
        int loaded = 0;
        try (var files = Files.list(DIR)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".yaml")
                        && !name.endsWith(".router.yaml")
                        && Files.readString(file).contains("kind: SchedulerConfig")) {
                    ConfigFile.readScheduler(file); // throws with the file's precise problem
                    loaded++;
                }
            }
        }
        assertTrue(loaded >= 15, "scheduler profiles found: " + loaded);
    }

    /** Baselines run without our admission queue, as their counterparts have none; ours keeps the defaults. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"random", "round-robin", "least-request", "epp-default"})
    void baselinesRunWithoutTheAdmissionQueue(String strategy) {
        ConfigFile.Settings settings = ConfigFile.read(DIR.resolve(strategy + ".router.yaml"));
        assertFalse(settings.pools().admission().queue());
        assertEquals(
                ConfigFile.defaults().pools().admission().queueTimeout(),
                settings.pools().admission().queueTimeout(),
                "only the queue switch differs");
    }

    @Test
    void oursRunsWithTheRouterDefaults() {
        assertFalse(Files.exists(DIR.resolve("ours.router.yaml")));
        assertTrue(ConfigFile.defaults().pools().admission().queue());
    }

    @Test
    void oursIsTheBuiltInDefault() {
        assertEquals(SchedulerConfig.defaults(), ConfigFile.readScheduler(DIR.resolve("ours.yaml")));
    }
}
