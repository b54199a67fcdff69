package io.infergate.router.schedule;

import io.infergate.router.epp.EppSettings;
import io.infergate.router.extproc.PickerSettings;
import io.infergate.router.schedule.admission.Admission;
import io.infergate.router.schedule.admission.SaturationDetector;
import io.infergate.router.schedule.framework.SchedulerConfig;
import io.infergate.router.scrape.ScrapeSettings;

import java.util.Objects;

/**
 * How InferencePool requests are scheduled (scraping, admission, saturation, the scheduler configuration), read once by Main.
 *
 * @param scrape     metrics scraping and staleness
 * @param admission  the per-pool queue
 * @param saturation when a pool counts as saturated
 * @param scheduler  the scheduler configuration (the built-in default when no file is given)
 * @param pickers    how external endpoint pickers are asked (pools with an endpointPickerRef)
 * @param picker     the endpoint picker this router serves to Envoy-based gateways (docs/adr/0025)
 */
public record PoolSettings(
        ScrapeSettings scrape,
        Admission.Settings admission,
        SaturationDetector saturation,
        SchedulerConfig scheduler,
        PickerSettings pickers,
        EppSettings picker) {
    public PoolSettings {
        Objects.requireNonNull(pickers, "pickers");
        Objects.requireNonNull(picker, "picker");
        Objects.requireNonNull(scrape, "scrape");
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(saturation, "saturation");
        Objects.requireNonNull(scheduler, "scheduler");
    }

    /** Without serving a picker. */
    public PoolSettings(
            ScrapeSettings scrape,
            Admission.Settings admission,
            SaturationDetector saturation,
            SchedulerConfig scheduler,
            PickerSettings pickers) {
        this(scrape, admission, saturation, scheduler, pickers, EppSettings.defaults());
    }

    /** With the default endpoint-picker settings. */
    public PoolSettings(
            ScrapeSettings scrape,
            Admission.Settings admission,
            SaturationDetector saturation,
            SchedulerConfig scheduler) {
        this(scrape, admission, saturation, scheduler, PickerSettings.defaults());
    }

    public static PoolSettings defaults() {
        return new PoolSettings(
                ScrapeSettings.defaults(),
                Admission.Settings.defaults(),
                SaturationDetector.defaults(),
                SchedulerConfig.defaults());
    }

    /** A copy with another plugin configuration. */
    public PoolSettings withScheduler(SchedulerConfig config) {
        return new PoolSettings(scrape, admission, saturation, config, pickers, picker);
    }

    /** A copy with other endpoint-picker settings. */
    public PoolSettings withPickers(PickerSettings settings) {
        return new PoolSettings(scrape, admission, saturation, scheduler, settings, picker);
    }

    /** A copy that serves the endpoint picker as {@code settings} say. */
    public PoolSettings withPicker(EppSettings settings) {
        return new PoolSettings(scrape, admission, saturation, scheduler, pickers, settings);
    }
}
