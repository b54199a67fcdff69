package io.infergate.bench.loadgen;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The markdown results: every row, then each strategy against random at the reference rate — the
 * highest rate at which random (with the same number of routers) still completes — and the
 * issue's done-when checks. Pure: rows in, text out.
 */
public final class Report {

    static final String RANDOM = "random";
    static final String OURS = "ours";
    static final String EPP = "epp-default";
    private static final List<String> ORDER = List.of(RANDOM, "round-robin", "least-request", EPP, OURS);

    private Report() {}

    /** The highest rate at which {@code strategy} with {@code routers} completes, if any. */
    static Optional<Double> highestCompleting(List<StepStats> rows, String strategy, int routers) {
        return rows.stream()
                .filter(r -> r.strategy().equals(strategy) && r.routers() == routers && r.completes())
                .map(StepStats::rate)
                .max(Double::compare);
    }

    static Optional<StepStats> row(List<StepStats> rows, String strategy, int routers, double rate) {
        return rows.stream()
                .filter(r -> r.strategy().equals(strategy) && r.routers() == routers && r.rate() == rate)
                .findFirst();
    }

    /** Hit rate over all steps, each step weighted by its OK requests (all prompts have the same length). */
    static double runHitRate(List<StepStats> rows, String strategy, int routers) {
        double sum = 0;
        long n = 0;
        for (StepStats r : rows) {
            if (r.strategy().equals(strategy) && r.routers() == routers && !Double.isNaN(r.hitRate())) {
                sum += r.hitRate() * r.ok();
                n += r.ok();
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    public static String markdown(List<StepStats> rows) {
        return markdown(rows, false);
    }

    /**
     * The results table in Markdown, with each strategy's ratios to random's.
     *
     * @param closed the steps are closed-loop concurrencies (a capacity run), not arrival rates: the
     *               reference is then random's highest completing concurrency, where the pool is
     *               full and output tokens/s measures capacity
     */
    public static String markdown(List<StepStats> rows, boolean closed) {
        String unit = closed ? "clients" : "req/s";
        List<StepStats> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.<StepStats>comparingInt(r -> rank(r.strategy()))
                .thenComparing(StepStats::strategy)
                .thenComparingInt(StepStats::routers)
                .thenComparingDouble(StepStats::rate));
        StringBuilder b = new StringBuilder();
        b.append("| strategy | routers | " + (closed ? "clients" : "rate (req/s)")
                + " | requests | TTFT p50 (ms) | TTFT p90 (ms) | TTFT p99 (ms) | latency p90 (ms) "
                + "| ITL p50 (ms) | output tok/s | hit rate | shed | errors | completes | OK per pod "
                + "| stuck: share, longest (ms) |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---|---:|\n");
        for (StepStats r : sorted) {
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %d | %s | %s | %s |%n",
                    r.strategy(),
                    r.routers(),
                    trim(r.rate()),
                    r.requests(),
                    f0(r.ttftP50Ms()),
                    f0(r.ttftP90Ms()),
                    f0(r.ttftP99Ms()),
                    f0(r.latencyP90Ms()),
                    f1(r.itlP50Ms()),
                    f0(r.outputTokensPerSecond()),
                    pct(r.hitRate()),
                    pct(r.shedRate()),
                    r.errors(),
                    r.completes() ? "yes" : "**no**",
                    r.pods().isEmpty() ? "–" : r.pods(),
                    Double.isNaN(r.stuckShare()) ? "–" : pct(r.stuckShare()) + ", " + f0(r.stuckLongestMs())));
        }
        for (int routers :
                sorted.stream().map(StepStats::routers).distinct().sorted().toList()) {
            b.append('\n');
            Optional<Double> ref = highestCompleting(rows, RANDOM, routers);
            if (ref.isEmpty()) {
                b.append("With ").append(routers).append(" router(s), random completes at no rate: no reference.\n");
                continue;
            }
            double rate = ref.get();
            StepStats base = row(rows, RANDOM, routers, rate).orElseThrow();
            b.append(String.format(
                    Locale.ROOT,
                    "With %d router(s), the highest %s where random completes is "
                            + "**%s %s**. Against random there:%n%n",
                    routers,
                    closed ? "concurrency" : "rate",
                    trim(rate),
                    unit));
            b.append("| strategy | p90 TTFT / random | output tok/s / random | hit rate | completes |\n");
            b.append("|---|---:|---:|---:|:---:|\n");
            for (String s : sorted.stream().map(StepStats::strategy).distinct().toList()) {
                row(rows, s, routers, rate)
                        .ifPresent(r -> b.append(String.format(
                                Locale.ROOT,
                                "| %s | %s | %s | %s | %s |%n",
                                s,
                                f2(r.ttftP90Ms() / base.ttftP90Ms()),
                                f2(r.outputTokensPerSecond() / base.outputTokensPerSecond()),
                                pct(r.hitRate()),
                                r.completes() ? "yes" : "**no**")));
            }
        }
        b.append('\n').append(doneWhen(rows, closed));
        return b.toString();
    }

    /** The done-when lines (issue 17), measured. */
    static String doneWhen(List<StepStats> rows) {
        return doneWhen(rows, false);
    }

    static String doneWhen(List<StepStats> rows, boolean closed) {
        StringBuilder b = new StringBuilder("Done-when checks:\n\n");
        String unit = closed ? "clients" : "req/s";
        for (int routers : List.of(1, 3)) {
            Optional<Double> ref = highestCompleting(rows, RANDOM, routers);
            if (ref.isEmpty()) {
                continue;
            }
            double rate = ref.get();
            Optional<StepStats> ours = row(rows, OURS, routers, rate);
            StepStats base = row(rows, RANDOM, routers, rate).orElseThrow();
            if (ours.isEmpty()) {
                continue;
            }
            double ttft = ours.get().ttftP90Ms() / base.ttftP90Ms();
            double tok = ours.get().outputTokensPerSecond() / base.outputTokensPerSecond();
            if (!closed) {
                b.append(String.format(
                        Locale.ROOT,
                        "- %d router(s), %s %s: ours p90 TTFT = %s × random's (goal ≤ 0.35): %s%n",
                        routers,
                        trim(rate),
                        unit,
                        f2(ttft),
                        ttft <= 0.35 ? "met" : "**missed**"));
            } else {
                b.append(String.format(
                        Locale.ROOT,
                        "- %d router(s), %s %s (capacity): ours output tok/s = %s × random's (goal ≥ 1.3): %s%n",
                        routers,
                        trim(rate),
                        unit,
                        f2(tok),
                        tok >= 1.3 ? "met" : "**missed**"));
            }
        }
        Optional<Double> ref = highestCompleting(rows, RANDOM, 1);
        if (ref.isPresent()) {
            double rate = ref.get();
            for (String s : List.of(OURS, EPP)) {
                Optional<StepStats> one = row(rows, s, 1, rate);
                Optional<StepStats> three = row(rows, s, 3, rate);
                if (one.isPresent() && three.isPresent()) {
                    double at = three.get().hitRate() / one.get().hitRate();
                    double run = runHitRate(rows, s, 3) / runHitRate(rows, s, 1);
                    b.append(String.format(
                            Locale.ROOT,
                            "- %s, 3 routers vs 1: hit rate %s vs %s at %s %s (%s), "
                                    + "%s vs %s over all steps (%s)%s%n",
                            s,
                            pct(three.get().hitRate()),
                            pct(one.get().hitRate()),
                            trim(rate),
                            unit,
                            pct(at),
                            pct(runHitRate(rows, s, 3)),
                            pct(runHitRate(rows, s, 1)),
                            pct(run),
                            s.equals(OURS)
                                    ? (at >= 0.9 && run >= 0.9 ? " (goal ≥ 90%: met)" : " (goal ≥ 90%: **missed**)")
                                    : ""));
                }
            }
        } else {
            b.append("- random (1 router) completes at no step: no reference.\n");
        }
        return b.toString();
    }

    private static int rank(String strategy) {
        int i = ORDER.indexOf(strategy);
        return i < 0 ? ORDER.size() : i;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static String f0(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String f1(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
