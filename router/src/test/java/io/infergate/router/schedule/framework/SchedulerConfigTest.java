package io.infergate.router.schedule.framework;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.infergate.router.schedule.PoolProfiles;
import io.infergate.router.schedule.plugins.BuiltInPlugins;
import io.infergate.router.schedule.plugins.prefix.PrefixCacheScorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SchedulerConfigTest {

    @TempDir
    static Path dir;

    private static final String HEAD = "apiVersion: infergate.io/v1alpha1\nkind: SchedulerConfig\n";
    private static final String PLUGINS = """
            plugins:
            - type: queue-scorer
            - type: prefix-cache-scorer
              name: prefix
              parameters:
                mode: local-index
            - type: max-score-picker
            - type: weighted-random-picker
            """;

    private static Profiles build(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "sched", ".yaml");
        Files.writeString(file, yaml);
        Config root = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.file(file))
                .build();
        return Profiles.build(
                SchedulerConfig.read(root), BuiltInPlugins.registry(PluginHandle.alone(new SplittableRandom(1))));
    }

    @Test
    void aValidFileBuildsItsProfilesInOrder() throws IOException {
        Profiles profiles = build(HEAD + PLUGINS + """
                profiles:
                - name: default
                  plugins:
                  - pluginRef: queue-scorer
                    weight: 2
                  - pluginRef: prefix
                    weight: 3
                  - pluginRef: max-score-picker
                """);
        Profile p = profiles.primary();
        assertEquals("default", p.name());
        assertEquals(
                List.of(2.0, 3.0),
                p.scorers().stream().map(Profile.Weighted::weight).toList());
        assertEquals(
                PrefixCacheScorer.Mode.LOCAL_INDEX,
                assertInstanceOf(PrefixCacheScorer.class, p.scorers().get(1).scorer())
                        .mode());
        assertEquals("max-score-picker", p.picker().type());
    }

    @Test
    void theBuiltInDefaultIsQueueKvPrefixOutstandingAndMaxScore() {
        Profile p = Profiles.build(
                        SchedulerConfig.defaults(),
                        BuiltInPlugins.registry(PluginHandle.alone(new SplittableRandom(1))))
                .primary();
        assertEquals(
                List.of(
                        "queue-scorer×2.0",
                        "kv-cache-utilization-scorer×2.0",
                        "prefix-cache-scorer×6.0",
                        "outstanding-requests-scorer×1.0"),
                p.scorers().stream()
                        .map(w -> w.scorer().type() + "×" + w.weight())
                        .toList());
        assertEquals(
                PrefixCacheScorer.Mode.AUTO,
                ((PrefixCacheScorer) p.scorers().get(2).scorer()).mode());
    }

    private static final String TWO_PROFILES = """
            profiles:
            - name: default
              plugins:
              - pluginRef: prefix
              - pluginRef: max-score-picker
            - name: spread
              plugins:
              - pluginRef: queue-scorer
              - pluginRef: weighted-random-picker
            """;

    @Test
    void poolProfilesMapPoolsToProfilesAndOthersUseThePrimary() throws IOException {
        Path file = Files.createTempFile(dir, "sched", ".yaml");
        Files.writeString(file, HEAD + PLUGINS + TWO_PROFILES + "poolProfiles:\n  team-a/batch-pool: spread\n");
        Config root = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.file(file))
                .build();
        SchedulerConfig config = SchedulerConfig.read(root);
        assertEquals(Map.of("team-a/batch-pool", "spread"), config.poolProfiles());
        Profiles built = Profiles.build(config, BuiltInPlugins.registry(PluginHandle.alone(new SplittableRandom(1))));
        PoolProfiles pools = new PoolProfiles(
                built.primary(),
                k -> java.util.Optional.empty(),
                java.time.Duration.ofSeconds(1),
                PluginTimer.none(),
                e -> {},
                built.byPool());
        assertEquals("spread", pools.profileOf(pool("team-a", "batch-pool")).name());
        assertEquals("default", pools.profileOf(pool("team-a", "chat-pool")).name());
        assertEquals("default", pools.profileOf(pool("team-b", "batch-pool")).name());
    }

    private static io.infergate.common.snapshot.Backend.InferencePool pool(String ns, String name) {
        return new io.infergate.common.snapshot.Backend.InferencePool(
                io.infergate.common.snapshot.Backend.InferencePool.idOf(ns, name),
                ns,
                name,
                io.infergate.common.snapshot.Backend.AppProtocol.HTTP,
                List.of(),
                java.util.Optional.empty());
    }

    static Stream<Arguments> errors() {
        String profile = "profiles:\n- name: default\n  plugins:\n";
        return Stream.of(
                arguments(
                        "wrong apiVersion",
                        "apiVersion: v2\nkind: SchedulerConfig\n",
                        "apiVersion must be infergate.io/v1alpha1, got 'v2'"),
                arguments(
                        "unknown top-level key",
                        HEAD + "plugin: []\n",
                        "unknown key 'plugin' (expected one of [apiVersion, kind, plugins, poolProfiles, profiles])"),
                arguments(
                        "unknown type",
                        HEAD + "plugins:\n- type: magic-scorer\n",
                        "plugins[0]: unknown plugin type 'magic-scorer' (known: "
                                + String.join(
                                        ", ",
                                        BuiltInPlugins.registry(PluginHandle.alone(new SplittableRandom(1)))
                                                .types())
                                + ")"),
                arguments(
                        "bad parameter value",
                        HEAD + "plugins:\n- type: prefix-cache-scorer\n  parameters:\n    mode: global\n",
                        "plugins[0]: plugin 'prefix-cache-scorer': parameter 'mode' must be one of [auto, rendezvous, local-index], got 'global'"),
                arguments(
                        "unknown parameter",
                        HEAD + "plugins:\n- type: queue-scorer\n  parameters:\n    depth: 3\n",
                        "plugins[0]: plugin 'queue-scorer' of type 'queue-scorer' has unknown parameters [depth]"),
                arguments(
                        "unknown pluginRef",
                        HEAD + PLUGINS + profile + "  - pluginRef: kv\n",
                        "profiles[0] 'default': unknown pluginRef 'kv'"),
                arguments(
                        "missing picker",
                        HEAD + PLUGINS + profile + "  - pluginRef: queue-scorer\n",
                        "profiles[0] 'default': no picker; a profile has exactly one"),
                arguments(
                        "two pickers",
                        HEAD + PLUGINS + profile
                                + "  - pluginRef: max-score-picker\n  - pluginRef: weighted-random-picker\n",
                        "profiles[0] 'default': two pickers ('max-score-picker', 'weighted-random-picker'); a profile has exactly one"),
                arguments(
                        "weight 0",
                        HEAD + PLUGINS + profile
                                + "  - pluginRef: queue-scorer\n    weight: 0\n  - pluginRef: max-score-picker\n",
                        "profiles[0] 'default': weight of 'queue-scorer' must be > 0, got 0.0"),
                arguments(
                        "negative weight",
                        HEAD + PLUGINS + profile
                                + "  - pluginRef: queue-scorer\n    weight: -1\n  - pluginRef: max-score-picker\n",
                        "profiles[0] 'default': weight of 'queue-scorer' must be > 0, got -1.0"),
                arguments(
                        "weight on a picker",
                        HEAD + PLUGINS + profile + "  - pluginRef: max-score-picker\n    weight: 2\n",
                        "profiles[0] 'default': pluginRef 'max-score-picker' is not a scorer and takes no weight"),
                arguments("no profile", HEAD + PLUGINS, "profiles: at least one profile is required"),
                arguments(
                        "poolProfiles names no profile",
                        HEAD + PLUGINS + TWO_PROFILES + "poolProfiles:\n  team-a/chat: fast\n",
                        "poolProfiles['team-a/chat']: unknown profile 'fast' (known: default, spread)"),
                arguments(
                        "poolProfiles key without namespace",
                        HEAD + PLUGINS + TWO_PROFILES + "poolProfiles:\n  chat: spread\n",
                        "poolProfiles['chat']: the key must be an InferencePool's namespace/name"),
                arguments(
                        "poolProfiles as a list",
                        HEAD + PLUGINS + TWO_PROFILES + "poolProfiles:\n- team-a/chat\n",
                        "poolProfiles: must be a map of namespace/name to profile name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void badFilesFailWithAPreciseMessage(String reason, String yaml, String message) {
        assertEquals(
                message,
                assertThrows(IllegalArgumentException.class, () -> build(yaml)).getMessage(),
                reason);
    }
}
