package io.infergate.router.schedule.plugins.scorer;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** Min-max normalisation shared by the load scorers: lowest value → 1, highest → 0, all equal → 1. */
final class MinMax {

    private MinMax() {}

    static <T> double[] inverted(List<T> items, ToDoubleFunction<T> value) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double[] v = new double[items.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = value.applyAsDouble(items.get(i));
            min = Math.min(min, v[i]);
            max = Math.max(max, v[i]);
        }
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = max == min ? 1 : (max - v[i]) / (max - min);
        }
        return out;
    }
}
