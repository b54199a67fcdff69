package io.infergate.router.settings;

import io.helidon.config.Config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One section of the router's settings file (e.g. {@code router.upstream}) as a settings record
 * reads it. The record names each key once, in the getter that reads it with its default; after
 * every record of the section has read, {@link #rejectUnknown()} refuses any key nobody read, so a
 * typo stops startup instead of silently keeping a default. Every message names the full key
 * ({@code 'router.upstream.read-timeout' must be ...}). Absent keys (or an absent section) give the
 * defaults.
 */
public final class Section {

    private final Config node;
    private final Set<String> read = new LinkedHashSet<>();

    private Section(Config node) {
        this.node = node;
    }

    /** The section at this node; a missing node reads as empty. */
    public static Section of(Config node) {
        return new Section(node);
    }

    /** The full key of one of this section's keys, for messages: {@code router.admission.queue}. */
    public String key(String name) {
        read.add(name);
        return node.get(name).key().toString();
    }

    /** Whether the file sets this key. */
    public boolean has(String name) {
        read.add(name);
        return node.get(name).exists();
    }

    /** A whole number in {@code 0..Integer.MAX_VALUE}. */
    public int integer(String name, int fallback) {
        return (int) whole(name, fallback, Integer.MAX_VALUE);
    }

    /** A whole number of bytes in {@code 0..Long.MAX_VALUE} (sizes may exceed an int). */
    public long bytes(String name, long fallback) {
        return whole(name, fallback, Long.MAX_VALUE);
    }

    /** An ISO-8601 duration such as {@code PT5S}. */
    public Duration duration(String name, Duration fallback) {
        String raw = raw(name);
        if (raw == null) {
            return fallback;
        }
        try {
            return Duration.parse(raw);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "'" + key(name) + "' must be an ISO-8601 duration such as PT5S, got '" + raw + "'");
        }
    }

    /** Exactly {@code true} or {@code false}: a misspelt switch must not silently keep its default. */
    public boolean bool(String name, boolean fallback) {
        String raw = raw(name);
        if (raw == null) {
            return fallback;
        }
        return switch (raw) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw new IllegalArgumentException("'" + key(name) + "' must be true or false, got '" + raw + "'");
        };
    }

    /** A finite number above 0. */
    public double positive(String name, double fallback) {
        String raw = raw(name);
        if (raw == null) {
            return fallback;
        }
        try {
            double v = Double.parseDouble(raw);
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("'" + key(name) + "' must be a positive number, got '" + raw + "'");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key(name) + "' must be a number, got '" + raw + "'");
        }
    }

    /** A string, trimmed. */
    public String string(String name, String fallback) {
        String raw = raw(name);
        return raw == null ? fallback : raw;
    }

    /**
     * Refuses keys no record read.
     *
     * @throws IllegalArgumentException {@code unknown key 'router.upstream.read-timout' (expected one of [...])}
     */
    public void rejectUnknown() {
        for (Config c : node.asNodeList().orElse(List.of())) {
            if (!read.contains(c.name())) {
                throw new IllegalArgumentException("unknown key '" + c.key() + "' (expected one of "
                        + new ArrayList<>(read).stream().sorted().toList() + ")");
            }
        }
    }

    private long whole(String name, long fallback, long max) {
        String raw = raw(name);
        if (raw == null) {
            return fallback;
        }
        try {
            long v = Long.parseLong(raw);
            if (v < 0 || v > max) {
                throw new IllegalArgumentException("'" + key(name) + "' is out of range: " + raw);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key(name) + "' must be a whole number, got '" + raw + "'");
        }
    }

    /** The trimmed value, or null when the key is absent. */
    private String raw(String name) {
        read.add(name);
        Config c = node.get(name);
        return c.exists() ? c.asString().get().trim() : null;
    }
}
