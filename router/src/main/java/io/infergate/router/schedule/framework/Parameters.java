package io.infergate.router.schedule.framework;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A plugin's {@code parameters}, read by its factory. Each getter names the parameter in its
 * error; after the factory ran, {@link #unused()} lists keys nobody read (a typo), which the
 * registry reports as an error rather than ignoring.
 */
public final class Parameters {

    private final String plugin;
    private final Map<String, String> values;
    private final Set<String> read = new HashSet<>();

    /** @param plugin the plugin's name, for messages */
    public Parameters(String plugin, Map<String, String> values) {
        this.plugin = plugin;
        this.values = Map.copyOf(values);
    }

    /** None. */
    public static Parameters none(String plugin) {
        return new Parameters(plugin, Map.of());
    }

    public String string(String key, String fallback, List<String> allowed) {
        read.add(key);
        String v = values.getOrDefault(key, fallback);
        if (!allowed.isEmpty() && !allowed.contains(v)) {
            throw bad(key, v, "one of " + allowed);
        }
        return v;
    }

    public int integer(String key, int fallback, int min, int max) {
        read.add(key);
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i < min || i > max) {
                throw bad(key, v, "a whole number in " + min + ".." + max);
            }
            return i;
        } catch (NumberFormatException e) {
            throw bad(key, v, "a whole number in " + min + ".." + max);
        }
    }

    public double decimal(String key, double fallback, double min, double max) {
        read.add(key);
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d >= min && d <= max)) {
                throw bad(key, v, "a number in " + min + ".." + max);
            }
            return d;
        } catch (NumberFormatException e) {
            throw bad(key, v, "a number in " + min + ".." + max);
        }
    }

    /** Keys given but never read. */
    public Set<String> unused() {
        Set<String> out = new HashSet<>(values.keySet());
        out.removeAll(read);
        return out;
    }

    private IllegalArgumentException bad(String key, String value, String expected) {
        return new IllegalArgumentException("plugin '" + plugin + "': parameter '" + key + "' must be " + expected
                + ", got '" + value + "'");
    }
}
