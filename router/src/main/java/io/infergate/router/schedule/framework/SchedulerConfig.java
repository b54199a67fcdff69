package io.infergate.router.schedule.framework;

import io.helidon.config.Config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * {@link #build} checks everything and fails with one precise message: unknown keys, unknown
 * type, duplicate name, bad parameter, unknown pluginRef, a weight ≤ 0 or on a non-scorer, no
 * picker or two pickers in a profile, no profile, a poolProfiles key that is not
 * {@code namespace/name} or a value that names no profile. Nothing falls back silently.
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

    /** A configured plugin. */
    public record PluginSpec(String type, String name, Map<String, String> parameters) {
        public PluginSpec {
            parameters = Map.copyOf(parameters);
        }
    }

    /** A profile: plugin references in order, with weights for scorers (null weight = 1 for scorers). */
    public record ProfileSpec(String name, List<Ref> plugins) {
        public ProfileSpec {
            plugins = List.copyOf(plugins);
        }
    }

    /** One plugin in a profile. */
    public record Ref(String pluginRef, Double weight) {
    }

    /**
     * The built-in default: queue ×2, KV cache ×2, prefix (auto) ×6, outstanding ×1,
     * max-score picker (docs/plugins/README.md says why).
     */
    public static SchedulerConfig defaults() {
        return new SchedulerConfig(List.of(
                new PluginSpec("queue-scorer", "queue-scorer", Map.of()),
                new PluginSpec("kv-cache-utilization-scorer", "kv-cache-utilization-scorer", Map.of()),
                new PluginSpec("prefix-cache-scorer", "prefix-cache-scorer", Map.of("mode", "auto")),
                new PluginSpec("outstanding-requests-scorer", "outstanding-requests-scorer", Map.of()),
                new PluginSpec("max-score-picker", "max-score-picker", Map.of())),
                List.of(new ProfileSpec(DEFAULT_PROFILE, List.of(
                        new Ref("queue-scorer", 2.0), new Ref("kv-cache-utilization-scorer", 2.0),
                        new Ref("prefix-cache-scorer", 6.0), new Ref("outstanding-requests-scorer", 1.0),
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
            Config p = pluginNodes.get(i);
            String at = "plugins[" + i + "]";
            keys(p, at + ".", Set.of("type", "name", "parameters"));
            String type = p.get("type").asString()
                    .orElseThrow(() -> new IllegalArgumentException(at + ": 'type' is required"));
            Map<String, String> params = new LinkedHashMap<>();
            for (Config kv : p.get("parameters").asNodeList().orElse(List.of())) {
                params.put(kv.name(), kv.asString().orElseThrow(() -> new IllegalArgumentException(
                        at + ".parameters." + kv.name() + ": must be a single value")));
            }
            plugins.add(new PluginSpec(type, p.get("name").asString().orElse(type), params));
        }
        List<ProfileSpec> profiles = new ArrayList<>();
        List<Config> profileNodes = root.get("profiles").asNodeList().orElse(List.of());
        for (int i = 0; i < profileNodes.size(); i++) {
            Config p = profileNodes.get(i);
            String at = "profiles[" + i + "]";
            keys(p, at + ".", Set.of("name", "plugins"));
            String name = p.get("name").asString()
                    .orElseThrow(() -> new IllegalArgumentException(at + ": 'name' is required"));
            List<Ref> refs = new ArrayList<>();
            List<Config> refNodes = p.get("plugins").asNodeList().orElse(List.of());
            for (int j = 0; j < refNodes.size(); j++) {
                Config r = refNodes.get(j);
                String rat = at + ".plugins[" + j + "]";
                keys(r, rat + ".", Set.of("pluginRef", "weight"));
                String ref = r.get("pluginRef").asString()
                        .orElseThrow(() -> new IllegalArgumentException(rat + ": 'pluginRef' is required"));
                Double weight = null;
                if (r.get("weight").exists()) {
                    String raw = r.get("weight").asString().orElse("");
                    try {
                        weight = Double.parseDouble(raw.trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(rat + ".weight: must be a number, got '" + raw + "'");
                    }
                }
                refs.add(new Ref(ref, weight));
            }
            profiles.add(new ProfileSpec(name, refs));
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
            out.put(kv.name(), kv.asString().orElseThrow(() -> new IllegalArgumentException(
                    at + ": must be a profile name")));
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

    /**
     * Instantiates the plugins and assembles the profiles.
     *
     * @return profiles by name, in file order
     * @throws IllegalArgumentException with the first problem found
     */
    public Map<String, Profile> build(PluginRegistry registry) {
        Map<String, Plugin> byName = new HashMap<>();
        for (int i = 0; i < plugins.size(); i++) {
            PluginSpec spec = plugins.get(i);
            String at = "plugins[" + i + "]";
            PluginRegistry.Factory factory = registry.factory(spec.type()).orElseThrow(() ->
                    new IllegalArgumentException(at + ": unknown plugin type '" + spec.type() + "' (known: "
                            + String.join(", ", registry.types()) + ")"));
            if (byName.containsKey(spec.name())) {
                throw new IllegalArgumentException(at + ": duplicate plugin name '" + spec.name() + "'");
            }
            Parameters params = new Parameters(spec.name(), spec.parameters());
            Plugin plugin;
            try {
                plugin = factory.create(spec.name(), params, registry.handle());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
            }
            if (!params.unused().isEmpty()) {
                throw new IllegalArgumentException(at + ": plugin '" + spec.name() + "' of type '" + spec.type()
                        + "' has unknown parameters " + params.unused().stream().sorted().toList());
            }
            byName.put(spec.name(), plugin);
        }
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("profiles: at least one profile is required");
        }
        Map<String, Profile> out = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < profiles.size(); i++) {
            ProfileSpec p = profiles.get(i);
            String at = "profiles[" + i + "] '" + p.name() + "'";
            if (!names.add(p.name())) {
                throw new IllegalArgumentException(at + ": duplicate profile name");
            }
            List<Plugin.Filter> filters = new ArrayList<>();
            List<Profile.Weighted> scorers = new ArrayList<>();
            Plugin.Picker picker = null;
            for (Ref ref : p.plugins()) {
                Plugin plugin = byName.get(ref.pluginRef());
                if (plugin == null) {
                    throw new IllegalArgumentException(at + ": unknown pluginRef '" + ref.pluginRef() + "'");
                }
                if (ref.weight() != null && !(plugin instanceof Plugin.Scorer)) {
                    throw new IllegalArgumentException(at + ": pluginRef '" + ref.pluginRef()
                            + "' is not a scorer and takes no weight");
                }
                switch (plugin) {
                    case Plugin.Filter f -> filters.add(f);
                    case Plugin.Scorer s -> {
                        double w = ref.weight() == null ? 1 : ref.weight();
                        if (!(w > 0) || Double.isInfinite(w)) {
                            throw new IllegalArgumentException(at + ": weight of '" + ref.pluginRef()
                                    + "' must be > 0, got " + ref.weight());
                        }
                        scorers.add(new Profile.Weighted(s, w));
                    }
                    case Plugin.Picker k -> {
                        if (picker != null) {
                            throw new IllegalArgumentException(at + ": two pickers ('" + picker.name() + "', '"
                                    + k.name() + "'); a profile has exactly one");
                        }
                        picker = k;
                    }
                }
            }
            if (picker == null) {
                throw new IllegalArgumentException(at + ": no picker; a profile has exactly one");
            }
            out.put(p.name(), new Profile(p.name(), filters, scorers, picker));
        }
        for (Map.Entry<String, String> e : poolProfiles.entrySet()) {
            String at = "poolProfiles['" + e.getKey() + "']";
            String[] parts = e.getKey().split("/", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException(at + ": the key must be an InferencePool's namespace/name");
            }
            if (!out.containsKey(e.getValue())) {
                throw new IllegalArgumentException(at + ": unknown profile '" + e.getValue() + "' (known: "
                        + String.join(", ", out.keySet()) + ")");
            }
        }
        return out;
    }

    /**
     * The profile of each InferencePool named in {@code poolProfiles}, by {@code namespace/name},
     * from profiles {@link #build} made; pools not named use {@link #primary}.
     */
    public Map<String, Profile> poolProfiles(Map<String, Profile> built) {
        Map<String, Profile> out = new HashMap<>();
        poolProfiles.forEach((pool, profile) -> out.put(pool, built.get(profile)));
        return out;
    }

    /** The profile InferencePools use: {@code default} when present, else the first. */
    public static Profile primary(Map<String, Profile> profiles) {
        Profile p = profiles.get(DEFAULT_PROFILE);
        return p != null ? p : profiles.values().iterator().next();
    }
}
