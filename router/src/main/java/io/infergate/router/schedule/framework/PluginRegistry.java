package io.infergate.router.schedule.framework;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The plugin types a router knows, registered explicitly in code (no reflection, no service
 * loading): a configuration can only name what is listed here.
 */
public final class PluginRegistry {

    /**
     * Makes one configured plugin instance. Each plugin type owns its factory (a static
     * {@code create} beside its {@code TYPE}): it reads its parameters with their defaults and
     * bounds, and takes what else it needs from the handle.
     */
    @FunctionalInterface
    public interface Factory {
        /**
         * Creates one configured instance of the plugin type.
         *
         * @throws IllegalArgumentException naming the parameter when one is wrong
         */
        Plugin create(String name, Parameters parameters, PluginHandle handle);
    }

    private final Map<String, Factory> factories = new LinkedHashMap<>();
    private final PluginHandle handle;

    /** @param handle what every factory of this registry is given */
    public PluginRegistry(PluginHandle handle) {
        this.handle = handle;
    }

    /** Registers a type; a type registered twice is a programming error. */
    public PluginRegistry register(String type, Factory factory) {
        if (factories.putIfAbsent(type, factory) != null) {
            throw new IllegalStateException("plugin type registered twice: " + type);
        }
        return this;
    }

    public Optional<Factory> factory(String type) {
        return Optional.ofNullable(factories.get(type));
    }

    public Set<String> types() {
        return factories.keySet();
    }

    /** What factories are given. */
    public PluginHandle handle() {
        return handle;
    }
}
