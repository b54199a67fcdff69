package io.infergate.router.schedule.framework;

/** Where the framework reports how long each plugin call took. */
@FunctionalInterface
public interface PluginTimer {

    void record(String type, String name, long nanos);

    /** Discards timings (tests). */
    static PluginTimer none() {
        return (type, name, nanos) -> {};
    }
}
