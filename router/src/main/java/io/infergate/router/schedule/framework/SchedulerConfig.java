package io.infergate.router.schedule.framework;

import io.helidon.config.Config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scheduler configuration file ({@code --scheduler-config}), versioned:
 *
 * <pre>
 * apiVersion: infergate.io/v1alpha1
 * kind: SchedulerConfig
 * plugins:
 * - type: prefix-cache-scorer
 *   name: prefix            # optional, defaults to the type
 *   parameters: {mode: rendezvous}
 * - type: max-score-picker
 * profiles:
 * - name: default           # InferencePools use the profile named default, else the first one
 *   plugins:
 *   - pluginRef: prefix
 *     weight: 3             # scorers only; &gt; 0
 *   - pluginRef: max-score-picker
 * poolProfiles:             # optional: InferencePool namespace/name → profile name
 *   team-a/chat-pool: default
 * </pre>
 *
 * {@link #read} refuses unknown keys and values of the wrong shape, naming the key
 * ({@code plugins[0].parameters.mode}); each record below reads its own keys. {@link Profiles#build}
 * then checks what needs the registry (types, references, weights, pickers). Nothing falls back
 * silently.
 */
public record SchedulerConfig(List<PluginSpec> plugins, List<ProfileSpec> profiles, Map<String, String> poolProfiles) {

    public static final String API_VERSION = "infergate.io/v1alpha1";
    public static final String KIND = "SchedulerConfig";
    public static final String DEFAULT_PROFILE = "default";

    public SchedulerConfig {
        plugins = List.copyOf(plugins);
        profiles = List.copyOf(profiles);
        poolProfiles = Map.copyOf(poolProfiles);
    }

    /** Every InferencePool uses the primary profile. */
    public SchedulerConfig(List<PluginSpec> plugins, List<ProfileSpec> profiles) {
        this(plugins, profiles, Map.of());
    }

    /** A configured plugin: {@code type}, {@code name} (the type when absent), {@code parameters}. */
    public record PluginSpec(String type, String name, Map<String, String> parameters) {
        public PluginSpec {
            parameters = Map.copyOf(parameters);
        }

        static PluginSpec read(Config p, String at) {
            keys(p, at + ".", Set.of("type", "name", "parameters"));
            String type = p.get("type")
                    .asString()
                    .orElseThrow(() -> new IllegalArgumentException(at + ": 'type' is required"));
            Map<String, String> params = new LinkedHashMap<>();
            for (Config kv : p.get("parameters").asNodeList().orElse(List.of())) {
                params.put(
                        kv.name(),
                        kv.asString()
                                .orElseThrow(() -> new IllegalArgumentException(
                                        at + ".parameters." + kv.name() + ": must be a single value")));
            }
            return new PluginSpec(type, p.get("name").asString().orElse(type), params);
        }
    }

    /** A profile: {@code name}, and {@code plugins}, references in order. */
    public record ProfileSpec(String name, List<Ref> plugins) {
        public ProfileSpec {
            plugins = List.copyOf(plugins);
        }

        static ProfileSpec read(Config p, String at) {
            keys(p, at + ".", Set.of("name", "plugins"));
            String name = p.get("name")
                    .asString()
                    .orElseThrow(() -> new IllegalArgumentException(at + ": 'name' is required"));
            List<Ref> refs = new ArrayList<>();
            List<Config> refNodes = p.get("plugins").asNodeList().orElse(List.of());
            for (int j = 0; j < refNodes.size(); j++) {
                refs.add(Ref.read(refNodes.get(j), at + ".plugins[" + j + "]"));
            }
            return new ProfileSpec(name, refs);
        }
    }

    /** One plugin in a profile: {@code pluginRef}, and a {@code weight} for scorers (null: 1). */
    public record Ref(String pluginRef, Double weight) {

        static Ref read(Config r, String at) {
            keys(r, at + ".", Set.of("pluginRef", "weight"));
            String ref = r.get("pluginRef")
                    .asString()
                    .orElseThrow(() -> new IllegalArgumentException(at + ": 'pluginRef' is required"));
            Double weight = null;
            if (r.get("weight").exists()) {
                String raw = r.get("weight").asString().orElse("");
                try {
                    weight = Double.parseDouble(raw.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(at + ".weight: must be a number, got '" + raw + "'");
                }
            }
            return new Ref(ref, weight);
        }
    }

    /**
     * The built-in default: queue ×2, KV cache ×2, prefix (auto) ×6, outstanding ×1,
     * max-score picker (docs/plugins/README.md says why).
     */
    public static SchedulerConfig defaults() {
        return new SchedulerConfig(
                List.of(
                        new PluginSpec("queue-scorer", "queue-scorer", Map.of()),
                        new PluginSpec("kv-cache-utilization-scorer", "kv-cache-utilization-scorer", Map.of()),
                        new PluginSpec("prefix-cache-scorer", "prefix-cache-scorer", Map.of("mode", "auto")),
                        new PluginSpec("outstanding-requests-scorer", "outstanding-requests-scorer", Map.of()),
                        new PluginSpec("max-score-picker", "max-score-picker", Map.of())),
                List.of(new ProfileSpec(
                        DEFAULT_PROFILE,
                        List.of(
                                new Ref("queue-scorer", 2.0),
                                new Ref("kv-cache-utilization-scorer", 2.0),
                                new Ref("prefix-cache-scorer", 6.0),
                                new Ref("outstanding-requests-scorer", 1.0),
                                new Ref("max-score-picker", null)))));
    }

    /**
     * Reads the file's tree.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public static SchedulerConfig read(Config root) {
        keys(root, "", Set.of("apiVersion", "kind", "plugins", "profiles", "poolProfiles"));
        String api = root.get("apiVersion").asString().orElse("");
        if (!API_VERSION.equals(api)) {
            throw new IllegalArgumentException("apiVersion must be " + API_VERSION + ", got '" + api + "'");
        }
        String kind = root.get("kind").asString().orElse("");
        if (!KIND.equals(kind)) {
            throw new IllegalArgumentException("kind must be " + KIND + ", got '" + kind + "'");
        }
        List<PluginSpec> plugins = new ArrayList<>();
        List<Config> pluginNodes = root.get("plugins").asNodeList().orElse(List.of());
        for (int i = 0; i < pluginNodes.size(); i++) {
            plugins.add(PluginSpec.read(pluginNodes.get(i), "plugins[" + i + "]"));
        }
        List<ProfileSpec> profiles = new ArrayList<>();
        List<Config> profileNodes = root.get("profiles").asNodeList().orElse(List.of());
        for (int i = 0; i < profileNodes.size(); i++) {
            profiles.add(ProfileSpec.read(profileNodes.get(i), "profiles[" + i + "]"));
        }
        return new SchedulerConfig(plugins, profiles, readPoolProfiles(root.get("poolProfiles")));
    }

    /**
     * {@code poolProfiles}: a map of {@code namespace/name} to profile name. Helidon config splits
     * keys on dots only, so a slash stays inside one key.
     */
    private static Map<String, String> readPoolProfiles(Config node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!node.exists()) {
            return out;
        }
        if (node.isLeaf() || node.type() == Config.Type.LIST) {
            throw new IllegalArgumentException("poolProfiles: must be a map of namespace/name to profile name");
        }
        for (Config kv : node.asNodeList().orElse(List.of())) {
            String at = "poolProfiles." + kv.name();
            out.put(
                    kv.name(),
                    kv.asString().orElseThrow(() -> new IllegalArgumentException(at + ": must be a profile name")));
        }
        return out;
    }

    private static void keys(Config node, String at, Set<String> known) {
        for (Config c : node.asNodeList().orElse(List.of())) {
            if (!known.contains(c.name())) {
                throw new IllegalArgumentException("unknown key '" + at + c.name() + "' (expected one of "
                        + known.stream().sorted().toList() + ")");
            }
        }
    }
}
