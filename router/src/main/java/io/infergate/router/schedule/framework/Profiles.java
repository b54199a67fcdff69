package io.infergate.router.schedule.framework;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The profiles a {@link SchedulerConfig} builds against a {@link PluginRegistry}. {@link #build}
 * checks everything and fails with one precise message: unknown type, duplicate name, bad
 * parameter, unknown pluginRef, a weight ≤ 0 or on a non-scorer, no picker or two pickers in a
 * profile, no profile, a poolProfiles key that is not {@code namespace/name} or a value that names
 * no profile. Nothing falls back silently.
 *
 * @param byName every profile by name, in file order
 * @param byPool the profile of each InferencePool named in {@code poolProfiles}, by
 *               {@code namespace/name}; pools not named use {@link #primary()}
 */
public record Profiles(Map<String, Profile> byName, Map<String, Profile> byPool) {
    public Profiles {
        byName = Collections.unmodifiableMap(
                new LinkedHashMap<>(byName)); // file order: the first is the fallback primary
        byPool = Map.copyOf(byPool);
    }

    /** The profile InferencePools use unless {@code poolProfiles} names another: {@code default} when present, else the first. */
    public Profile primary() {
        Profile p = byName.get(SchedulerConfig.DEFAULT_PROFILE);
        return p != null ? p : byName.values().iterator().next();
    }

    /**
     * Instantiates the plugins and assembles the profiles.
     *
     * @throws IllegalArgumentException with the first problem found
     */
    public static Profiles build(SchedulerConfig config, PluginRegistry registry) {
        List<SchedulerConfig.PluginSpec> plugins = config.plugins();
        List<SchedulerConfig.ProfileSpec> profiles = config.profiles();
        Map<String, Plugin> byName = new HashMap<>();
        for (int i = 0; i < plugins.size(); i++) {
            SchedulerConfig.PluginSpec spec = plugins.get(i);
            String at = "plugins[" + i + "]";
            PluginRegistry.Factory factory = registry.factory(spec.type())
                    .orElseThrow(() -> new IllegalArgumentException(at + ": unknown plugin type '" + spec.type()
                            + "' (known: " + String.join(", ", registry.types()) + ")"));
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
                throw new IllegalArgumentException(
                        at + ": plugin '" + spec.name() + "' of type '" + spec.type() + "' has unknown parameters "
                                + params.unused().stream().sorted().toList());
            }
            byName.put(spec.name(), plugin);
        }
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("profiles: at least one profile is required");
        }
        Map<String, Profile> out = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < profiles.size(); i++) {
            SchedulerConfig.ProfileSpec p = profiles.get(i);
            String at = "profiles[" + i + "] '" + p.name() + "'";
            if (!names.add(p.name())) {
                throw new IllegalArgumentException(at + ": duplicate profile name");
            }
            List<Plugin.Filter> filters = new ArrayList<>();
            List<Profile.Weighted> scorers = new ArrayList<>();
            Plugin.Picker picker = null;
            for (SchedulerConfig.Ref ref : p.plugins()) {
                Plugin plugin = byName.get(ref.pluginRef());
                if (plugin == null) {
                    throw new IllegalArgumentException(at + ": unknown pluginRef '" + ref.pluginRef() + "'");
                }
                if (ref.weight() != null && !(plugin instanceof Plugin.Scorer)) {
                    throw new IllegalArgumentException(
                            at + ": pluginRef '" + ref.pluginRef() + "' is not a scorer and takes no weight");
                }
                switch (plugin) {
                    case Plugin.Filter f -> filters.add(f);
                    case Plugin.Scorer s -> {
                        double w = ref.weight() == null ? 1 : ref.weight();
                        if (!(w > 0) || Double.isInfinite(w)) {
                            throw new IllegalArgumentException(
                                    at + ": weight of '" + ref.pluginRef() + "' must be > 0, got " + ref.weight());
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
        Map<String, Profile> byPool = new HashMap<>();
        for (Map.Entry<String, String> e : config.poolProfiles().entrySet()) {
            String at = "poolProfiles['" + e.getKey() + "']";
            String[] parts = e.getKey().split("/", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException(at + ": the key must be an InferencePool's namespace/name");
            }
            if (!out.containsKey(e.getValue())) {
                throw new IllegalArgumentException(at + ": unknown profile '" + e.getValue() + "' (known: "
                        + String.join(", ", out.keySet()) + ")");
            }
            byPool.put(e.getKey(), out.get(e.getValue()));
        }
        return new Profiles(out, byPool);
    }
}
