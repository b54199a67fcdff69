package io.infergate.router.schedule.framework;

import io.infergate.router.schedule.endpoint.Target;
import io.infergate.router.scrape.EndpointMetrics;
import io.infergate.router.scrape.Metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A named profile of plugins: filter → weighted scorers → one picker (the EPP scheduling
 * framework). Before the filters, the framework drops stale endpoints when any fresh one is left
 * (a stale sample describes a pod we cannot see; EPP does the same). An endpoint that never
 * answered a scrape counts as stale too: its empty queue is unknown, not zero, and a Ready pod
 * where nothing listens would otherwise look like the idlest endpoint and draw traffic. When no
 * endpoint has a fresh sample (servers without {@code /metrics}) every endpoint stays.
 *
 * @param name    the profile name
 * @param filters in configuration order
 * @param scorers with their weights (&gt; 0), in configuration order
 * @param picker  exactly one
 */
public record Profile(String name, List<Plugin.Filter> filters, List<Weighted> scorers, Plugin.Picker picker) {
    public Profile {
        Objects.requireNonNull(name, "name");
        filters = List.copyOf(filters);
        scorers = List.copyOf(scorers);
        Objects.requireNonNull(picker, "picker");
    }

    /** A scorer and its weight. */
    public record Weighted(Plugin.Scorer scorer, double weight) {}

    /** Runs the phases and returns the chosen endpoint. {@code candidates} must not be empty. */
    public EndpointView run(PickContext request, List<EndpointView> candidates, PluginTimer timer) {
        List<EndpointView> current = fresh(candidates);
        for (Plugin.Filter f : filters) {
            long t0 = System.nanoTime();
            List<EndpointView> kept = f.filter(request, current);
            timer.record(f.type(), f.name(), System.nanoTime() - t0);
            if (!kept.isEmpty()) {
                current = kept; // a filter that keeps nothing must not leave the request without an endpoint
            }
        }
        double[] totals = new double[current.size()];
        for (Weighted w : scorers) {
            long t0 = System.nanoTime();
            double[] s = w.scorer().score(request, current);
            timer.record(w.scorer().type(), w.scorer().name(), System.nanoTime() - t0);
            for (int i = 0; i < totals.length; i++) {
                totals[i] += w.weight() * clamp(i < s.length ? s[i] : 0);
            }
        }
        long t0 = System.nanoTime();
        EndpointView chosen = picker.pick(request, current, totals);
        timer.record(picker.type(), picker.name(), System.nanoTime() - t0);
        for (Weighted w : scorers) {
            w.scorer().picked(request, chosen);
        }
        return chosen;
    }

    /**
     * Tells the scorers that {@code served} served the request (not the endpoint {@link #run}
     * chose): each records it as it records a pick.
     */
    public void served(PickContext request, EndpointView served) {
        for (Weighted w : scorers) {
            w.scorer().picked(request, served);
        }
    }

    /** A request sent to {@code endpoint} finished: every scorer is told ({@link Plugin.Scorer#finished}). */
    public void finished(String endpoint) {
        for (Weighted w : scorers) {
            w.scorer().finished(endpoint);
        }
    }

    /**
     * The first scorer that gates admission ({@link SlotGate}, ADR 0042), when one is configured
     * to; empty otherwise.
     */
    public Optional<SlotGate> gate() {
        for (Weighted w : scorers) {
            if (w.scorer() instanceof SlotGate g && g.gates()) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    /** Clamps to [0, 1]; NaN is 0. */
    static double clamp(double v) {
        return v > 0 ? Math.min(1, v) : 0;
    }

    private static List<EndpointView> fresh(List<EndpointView> candidates) {
        List<EndpointView> out = new ArrayList<>(candidates.size());
        for (EndpointView v : candidates) {
            if (!v.stale()) {
                out.add(v);
            }
        }
        return out.isEmpty() ? candidates : out;
    }

    /** Builds the views of targets from the metrics lookup. */
    public static List<EndpointView> views(
            List<Target> targets, EndpointMetrics metrics, Duration staleAfter, LongSupplier nanoClock) {
        long now = nanoClock.getAsLong();
        long bound = staleAfter.toNanos();
        List<EndpointView> out = new ArrayList<>(targets.size());
        for (Target t : targets) {
            Optional<Metrics> m = metrics.latest(t.key());
            out.add(new EndpointView(t, m, m.isEmpty() || now - m.get().scrapedAtNanos() > bound));
        }
        return out;
    }
}
