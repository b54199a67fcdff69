package io.infergate.router.schedule.plugins;

import io.infergate.router.schedule.framework.Parameters;
import io.infergate.router.schedule.framework.Plugin;
import io.infergate.router.schedule.framework.PluginHandle;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registration list: every plugin type is registered once, builds with its defaults, and has its doc page. */
class BuiltInPluginsTest {

    private static final List<String> TYPES = List.of(
            "low-queue-filter",
            "low-kv-cache-filter",
            "least-queue-filter",
            "least-kv-cache-filter",
            "lora-affinity-filter",
            "queue-scorer",
            "kv-cache-utilization-scorer",
            "prefix-cache-scorer",
            "lora-affinity-scorer",
            "outstanding-requests-scorer",
            "max-score-picker",
            "weighted-random-picker",
            "random-picker",
            "round-robin-picker");

    @Test
    void everyTypeIsRegisteredAndBuildsWithItsDefaults() {
        var registry = BuiltInPlugins.registry(PluginHandle.alone(new SplittableRandom(1)));
        assertEquals(
                TYPES.stream().sorted().toList(),
                registry.types().stream().sorted().toList());
        for (String type : TYPES) {
            Plugin p = registry.factory(type).orElseThrow().create("x", Parameters.none("x"), registry.handle());
            assertEquals(type, p.type());
            assertEquals("x", p.name());
        }
    }

    @Test
    void everyTypeHasItsDocPage() {
        // surefire runs in the module folder: the docs are one level up
        for (String type : TYPES) {
            Path page = Path.of("..", "docs", "plugins", type + ".md");
            assertTrue(Files.isRegularFile(page), "missing " + page);
        }
    }
}
