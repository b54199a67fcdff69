package io.infergate.router.schedule.framework;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

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
        return (int) number(key, fallback, min, max, "a whole number in " + min + ".." + max, Integer::parseInt);
    }

    public double decimal(String key, double fallback, double min, double max) {
        return number(key, fallback, min, max, "a number in " + min + ".." + max, Double::parseDouble);
    }

    /** A value {@code parse} accepts within {@code [min, max]}; {@code expected} says what in the message. */
    private double number(
            String key, double fallback, double min, double max, String expected, ToDoubleFunction<String> parse) {
        read.add(key);
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        double d;
        try {
            d = parse.applyAsDouble(v.trim());
        } catch (NumberFormatException e) {
            throw bad(key, v, expected);
        }
        if (!(d >= min && d <= max)) {
            throw bad(key, v, expected);
        }
        return d;
    }

    /** Keys given but never read. */
    public Set<String> unused() {
        Set<String> out = new HashSet<>(values.keySet());
        out.removeAll(read);
        return out;
    }

    private IllegalArgumentException bad(String key, String value, String expected) {
        return new IllegalArgumentException(
                "plugin '" + plugin + "': parameter '" + key + "' must be " + expected + ", got '" + value + "'");
    }
}
