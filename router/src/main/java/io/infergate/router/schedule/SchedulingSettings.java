package io.infergate.router.schedule;

import io.infergate.router.schedule.admission.Admission;
import io.infergate.router.schedule.admission.SaturationDetector;
import io.infergate.router.schedule.framework.SchedulerConfig;

import io.infergate.router.scrape.ScrapeSettings;
import java.util.Objects;

/**
 * How InferencePool requests are scheduled, read once by Main.
 *
 * @param scrape     metrics scraping and staleness
 * @param admission  the per-pool queue
 * @param saturation when a pool counts as saturated
 * @param plugins    the scheduler configuration (the built-in default when no file is given)
 */
public record SchedulingSettings(ScrapeSettings scrape, Admission.Settings admission, SaturationDetector saturation,
                                 SchedulerConfig plugins) {
    public SchedulingSettings {
        Objects.requireNonNull(scrape, "scrape");
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(saturation, "saturation");
        Objects.requireNonNull(plugins, "plugins");
    }

    public static SchedulingSettings defaults() {
        return new SchedulingSettings(ScrapeSettings.defaults(), Admission.Settings.defaults(),
                SaturationDetector.defaults(), SchedulerConfig.defaults());
    }

    /** A copy with another plugin configuration. */
    public SchedulingSettings withPlugins(SchedulerConfig config) {
        return new SchedulingSettings(scrape, admission, saturation, config);
    }
}
