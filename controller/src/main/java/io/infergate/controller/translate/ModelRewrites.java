package io.infergate.controller.translate;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.ModelRewrite;
import io.infergate.controller.model.InferenceModelRewrite;
import io.infergate.controller.status.Condition;
import io.infergate.controller.status.ObjectKey;
import io.infergate.controller.status.ObjectStatus;
import io.infergate.controller.status.StatusPlan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Attaches InferenceModelRewrite rules to the InferencePools they name (same namespace), in the
 * order the router applies them: every rule with an Exact match before every generic rule (no
 * matches), then the oldest object (creationTimestamp, then namespace/name for equal times), then
 * rule order inside one object. The router takes the first matching rule, so an exact rule always
 * wins over a generic one and, for one model, the oldest object wins.
 */
final class ModelRewrites {

    static final String API_VERSION = "inference.networking.x-k8s.io/v1alpha2";

    /** Exact rules first; among equals, the oldest object, then its name, then rule order. */
    private static final Comparator<Indexed> PRECEDENCE = Comparator.comparing(
                    (Indexed i) -> i.rule().models().isEmpty())
            .thenComparing(i -> i.object().meta().creationTimestamp())
            .thenComparing(i -> i.object().meta().path())
            .thenComparingInt(Indexed::index);

    private record Indexed(InferenceModelRewrite object, InferenceModelRewrite.Rule rule, int index) {}

    private ModelRewrites() {}

    /** {@code served} with each pool carrying the rules that name it; other backends unchanged. */
    static List<Backend> attach(List<Backend> served, List<InferenceModelRewrite> rewrites) {
        Map<String, List<Indexed>> byPool = new HashMap<>();
        for (InferenceModelRewrite r : rewrites) {
            if (!r.poolRef().group().equals(Index.INFERENCE_GROUP)
                    || !r.poolRef().kind().equals("InferencePool")) {
                continue;
            }
            String pool =
                    Backend.InferencePool.idOf(r.meta().namespace(), r.poolRef().name());
            for (int i = 0; i < r.rules().size(); i++) {
                byPool.computeIfAbsent(pool, k -> new ArrayList<>())
                        .add(new Indexed(r, r.rules().get(i), i));
            }
        }
        if (byPool.isEmpty()) {
            return served;
        }
        List<Backend> out = new ArrayList<>(served.size());
        for (Backend b : served) {
            List<Indexed> rules = b instanceof Backend.InferencePool ? byPool.get(b.id()) : null;
            out.add(
                    rules == null
                            ? b
                            : ((Backend.InferencePool) b)
                                    .withModelRewrites(rules.stream()
                                            .sorted(PRECEDENCE)
                                            .map(ModelRewrites::snapshot)
                                            .toList()));
        }
        return out;
    }

    /**
     * {@code Accepted=True} (reason {@code Accepted}) for every rewrite whose pool is in the
     * snapshot; rewrites of pools this gateway does not serve are not ours to report on and get
     * no entry (the upstream types define no False reason; a rewrite the decoder refused is
     * reported on the controller's {@code /status} problems instead).
     */
    static List<StatusPlan.Entry> statuses(List<Backend> served, List<InferenceModelRewrite> rewrites) {
        Set<String> pools = new HashSet<>();
        served.stream().filter(b -> b instanceof Backend.InferencePool).forEach(b -> pools.add(b.id()));
        List<StatusPlan.Entry> out = new ArrayList<>();
        for (InferenceModelRewrite r : rewrites) {
            String pool =
                    Backend.InferencePool.idOf(r.meta().namespace(), r.poolRef().name());
            if (r.poolRef().group().equals(Index.INFERENCE_GROUP)
                    && r.poolRef().kind().equals("InferencePool")
                    && pools.contains(pool)) {
                out.add(new StatusPlan.Entry(
                        new ObjectKey(
                                API_VERSION,
                                "InferenceModelRewrite",
                                r.meta().namespace(),
                                r.meta().name()),
                        new ObjectStatus.ModelRewriteStatus(List.of(Condition.isTrue(
                                "Accepted",
                                "Accepted",
                                "rules applied to requests for InferencePool "
                                        + r.poolRef().name(),
                                r.meta().generation())))));
            }
        }
        return out;
    }

    private static ModelRewrite snapshot(Indexed i) {
        var meta = i.object().meta();
        return new ModelRewrite(
                "inferencemodelrewrite/" + meta.namespace() + "/" + meta.name() + "/rule/" + i.index(),
                i.rule().models(),
                i.rule().targets().stream()
                        .map(t -> new ModelRewrite.Target(
                                t.modelRewrite(), t.weight().orElse(1)))
                        .toList());
    }
}
