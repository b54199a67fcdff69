package io.infergate.router;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.infergate.router.auth.JwksSource;
import io.infergate.router.epp.EppSettings;
import io.infergate.router.extproc.PickerSettings;
import io.infergate.router.listen.ListenerLimits;
import io.infergate.router.proxy.ProxySettings;
import io.infergate.router.ratelimit.RateLimitSettings;
import io.infergate.router.schedule.PoolSettings;
import io.infergate.router.schedule.admission.Admission;
import io.infergate.router.schedule.admission.SaturationDetector;
import io.infergate.router.schedule.framework.PluginHandle;
import io.infergate.router.schedule.framework.Profiles;
import io.infergate.router.schedule.framework.SchedulerConfig;
import io.infergate.router.schedule.plugins.BuiltInPlugins;
import io.infergate.router.scrape.ScrapeSettings;
import io.infergate.router.settings.Section;
import io.infergate.router.trace.TraceSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the optional YAML file of limits and timeouts ({@code --config}): a top-level
 * {@code router:} with the sections below, each read by the settings record that owns its keys,
 * their defaults, bounds and messages. Every key is optional; an unknown key or a bad value stops
 * startup with a message naming it, so a typo never silently falls back to a default. Durations
 * are ISO-8601 ({@code PT5S}). The reference with every key is docs/router.md.
 *
 * <ul>
 *   <li>{@code router.listeners}: {@link ListenerLimits#create}</li>
 *   <li>{@code router.upstream}: {@link ProxySettings#create}, with {@link io.infergate.router.outlier.OutlierSettings#create}</li>
 *   <li>{@code router.snapshot}: {@link RouterConfig#maxSnapshotBytes}</li>
 *   <li>{@code router.endpoints}: {@link ScrapeSettings#create}</li>
 *   <li>{@code router.admission}: {@link Admission.Settings#create} and {@link SaturationDetector#create}</li>
 *   <li>{@code router.endpoint-picker}: {@link PickerSettings#create}</li>
 *   <li>{@code router.picker}: {@link EppSettings#create}</li>
 *   <li>{@code router.auth}: {@link JwksSource.Settings#create}</li>
 *   <li>{@code router.rate-limits}: {@link RateLimitSettings#create}</li>
 *   <li>{@code router.tracing}: {@link TraceSettings#create}</li>
 * </ul>
 */
final class ConfigFile {

    /** The settings the file provides. */
    record Settings(
            ListenerLimits listeners,
            ProxySettings proxy,
            long maxSnapshotBytes,
            PoolSettings pools,
            JwksSource.Settings jwks,
            RateLimitSettings rateLimits,
            TraceSettings tracing) {}

    /** The sections of {@code router:}; each settings record reads (and so names) its own keys. */
    private static final List<String> SECTIONS = List.of(
            "listeners",
            "upstream",
            "snapshot",
            "endpoints",
            "admission",
            "endpoint-picker",
            "auth",
            "picker",
            "rate-limits",
            "tracing");

    private ConfigFile() {}

    /** The defaults, as if the file were empty. */
    static Settings defaults() {
        return new Settings(
                ListenerLimits.defaults(),
                ProxySettings.defaults(),
                RouterConfig.DEFAULT_MAX_SNAPSHOT_BYTES,
                PoolSettings.defaults(),
                JwksSource.Settings.DEFAULT,
                RateLimitSettings.DEFAULT,
                TraceSettings.OFF);
    }

    /**
     * Reads the file.
     *
     * @throws IllegalArgumentException with a precise message when the file is unreadable or wrong
     */
    static Settings read(Path file) {
        Config root = load("--config", file);
        for (Config top : root.asNodeList().orElse(List.of())) {
            if (!top.name().equals("router")) {
                throw new IllegalArgumentException(
                        "--config " + file + ": unknown top-level key '" + top.name() + "' (expected 'router')");
            }
        }
        Config router = root.get("router");
        for (Config section : router.asNodeList().orElse(List.of())) {
            if (!SECTIONS.contains(section.name())) {
                throw new IllegalArgumentException("--config " + file + ": unknown key 'router." + section.name()
                        + "' (expected one of " + SECTIONS + ")");
            }
        }
        try {
            Section ls = Section.of(router.get("listeners"));
            Section us = Section.of(router.get("upstream"));
            Section ss = Section.of(router.get("snapshot"));
            Section es = Section.of(router.get("endpoints"));
            Section as = Section.of(router.get("admission"));
            Section ps = Section.of(router.get("endpoint-picker"));
            Section au = Section.of(router.get("auth"));
            Section pk = Section.of(router.get("picker"));
            Section rl = Section.of(router.get("rate-limits"));
            Section tr = Section.of(router.get("tracing"));
            ListenerLimits listeners = ListenerLimits.create(ls);
            ProxySettings proxy = ProxySettings.create(us, listeners.maxPayloadBytes());
            long snapshot = RouterConfig.maxSnapshotBytes(ss);
            ScrapeSettings scrape = ScrapeSettings.create(es);
            Admission.Settings admission = Admission.Settings.create(as, scrape.interval());
            SaturationDetector saturation = SaturationDetector.create(as);
            PickerSettings pickers = PickerSettings.create(ps);
            JwksSource.Settings jwks = JwksSource.Settings.create(au);
            EppSettings picker = EppSettings.create(pk);
            RateLimitSettings rateLimits = RateLimitSettings.create(rl);
            TraceSettings tracing = TraceSettings.create(tr);
            for (Section section : List.of(ls, us, ss, es, as, ps, au, pk, rl, tr)) {
                section.rejectUnknown();
            }
            return new Settings(
                    listeners,
                    proxy,
                    snapshot,
                    new PoolSettings(scrape, admission, saturation, SchedulerConfig.defaults(), pickers, picker),
                    jwks,
                    rateLimits,
                    tracing);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--config " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads and validates the scheduler configuration file ({@code --scheduler-config}): the
     * format of {@link SchedulerConfig}, built once against the built-in plugin registry so every
     * error (unknown type or pluginRef, bad parameter or weight, no or two pickers) stops startup.
     */
    static SchedulerConfig readScheduler(Path file) {
        Config root = load("--scheduler-config", file);
        try {
            SchedulerConfig config = SchedulerConfig.read(root);
            Profiles.build(config, BuiltInPlugins.registry(PluginHandle.alone(new java.util.Random())));
            return config;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--scheduler-config " + file + ": " + e.getMessage(), e);
        }
    }

    /** The YAML tree of a file named by a flag; only the file, no environment or system properties. */
    private static Config load(String flag, Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(flag + " " + file + ": file not found or not readable");
        }
        String name = file.getFileName().toString();
        if (!name.endsWith(".yaml") && !name.endsWith(".yml")) {
            throw new IllegalArgumentException(flag + " " + file + ": must be a .yaml or .yml file");
        }
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.file(file))
                .build();
    }
}
