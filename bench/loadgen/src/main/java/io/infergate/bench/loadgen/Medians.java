package io.infergate.bench.loadgen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Several runs of the same benchmark command, summed up per step: each strategy's p90 TTFT in
 * every run, and the medians of p90 TTFT, output tokens/s and hit rate, with the ratio of each
 * median to random's median at the same step and router count. Pure: rows in, text out.
 *
 * <p>Why medians over runs: between runs of the same jars a single step's p90 TTFT moves by up to
 * a third (random's most of all, since its spread over the pods is luck), which is as much as the
 * gaps the scheduling goals are about (docs/benchmarks.md, issue 17's goals over three runs). The
 * median of the runs ignores one outlier run either way; the ratio of medians, not the median of
 * per-run ratios, keeps one lucky random run from deciding a ratio.
 */
final class Medians {

    private Medians() {}

    /** One strategy at one step and router count: the rows of every run are grouped by it. */
    private record Key(String strategy, int routers, double rate) {}

    /**
     * The markdown summary of {@code runs} (each the rows of one run of the same command).
     *
     * @param closed the steps are closed-loop clients, not arrival rates (only the column label)
     */
    static String markdown(List<List<StepStats>> runs, boolean closed) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to sum up");
        }
        Map<Key, StepStats[]> byKey = new LinkedHashMap<>();
        for (int run = 0; run < runs.size(); run++) {
            for (StepStats r : runs.get(run)) {
                byKey.computeIfAbsent(new Key(r.strategy(), r.routers(), r.rate()), k -> new StepStats[runs.size()])[
                        run] = r;
            }
        }
        List<Key> keys = new ArrayList<>(byKey.keySet());
        keys.sort((a, b) -> a.routers() != b.routers()
                ? Integer.compare(a.routers(), b.routers())
                : a.rate() != b.rate() ? Double.compare(a.rate(), b.rate()) : 0);
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%d runs; medians over the runs that have the row; ratios are median / random's median.%n%n",
                runs.size()));
        out.append("| routers | ")
                .append(closed ? "clients" : "rate (req/s)")
                .append(" | strategy | p90 TTFT per run (ms) | median p90 (ms) | p90 / random | median tok/s |"
                        + " tok/s / random | median hit rate | completes | longest stuck (ms) |\n");
        out.append("|---:|---:|---|---|---:|---:|---:|---:|---:|---|---:|\n");
        for (Key k : keys) {
            StepStats[] rows = byKey.get(k);
            StepStats[] random = byKey.get(new Key(Report.RANDOM, k.routers(), k.rate()));
            double p90 = median(rows, StepStats::ttftP90Ms);
            double tok = median(rows, StepStats::outputTokensPerSecond);
            out.append(String.format(
                    Locale.ROOT,
                    "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    k.routers(),
                    rate(k.rate()),
                    k.strategy(),
                    perRun(rows),
                    ms(p90),
                    ratio(p90, random, StepStats::ttftP90Ms),
                    ms(tok),
                    ratio(tok, random, StepStats::outputTokensPerSecond),
                    percent(median(rows, StepStats::hitRate)),
                    completes(rows),
                    ms(max(rows, StepStats::stuckLongestMs))));
        }
        return out.toString();
    }

    /** The median of a field over the rows present (NaN values and missing rows left out). */
    static double median(StepStats[] rows, ToDoubleFunction<StepStats> field) {
        double[] v = Arrays.stream(rows)
                .filter(r -> r != null && !Double.isNaN(field.applyAsDouble(r)))
                .mapToDouble(field)
                .sorted()
                .toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double max(StepStats[] rows, ToDoubleFunction<StepStats> field) {
        return Arrays.stream(rows)
                .filter(r -> r != null && !Double.isNaN(field.applyAsDouble(r)))
                .mapToDouble(field)
                .max()
                .orElse(Double.NaN);
    }

    private static String ratio(double value, StepStats[] random, ToDoubleFunction<StepStats> field) {
        if (random == null) {
            return "–";
        }
        double base = median(random, field);
        return Double.isNaN(value) || !(base > 0) ? "–" : String.format(Locale.ROOT, "%.2f", value / base);
    }

    private static String perRun(StepStats[] rows) {
        List<String> out = new ArrayList<>();
        for (StepStats r : rows) {
            out.add(r == null ? "–" : ms(r.ttftP90Ms()));
        }
        return String.join(", ", out);
    }

    private static String completes(StepStats[] rows) {
        long present = Arrays.stream(rows).filter(r -> r != null).count();
        long done = Arrays.stream(rows).filter(r -> r != null && r.completes()).count();
        return done + " of " + present;
    }

    private static String rate(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.valueOf(v);
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f%%", v * 100);
    }
}
