package io.infergate.router.proxy;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.ModelRewrite;
import io.infergate.common.snapshot.Objective;
import io.infergate.router.inference.InferenceResponse;
import io.infergate.router.inference.ModelRewriter;
import io.infergate.router.inference.Objectives;
import io.infergate.router.inference.OpenAiRequest;
import io.infergate.router.inference.RequestRewrite;
import io.infergate.router.observe.InferenceMetrics;

import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * One inference request to an InferencePool or an external provider, from the rewrite decision to
 * its meters: the model it goes upstream as ({@link ModelRewriter}), the body with that model, the
 * response handling that restores the client's model and reads usage, and the per-model meters at
 * the end. Providers are read like pools (docs/adr/0033) so that their usage feeds the same token
 * meters and settles the same token limits; only pools have InferenceModelRewrite rules.
 */
final class InferenceCall {

    final String model;
    final String target;
    final int priority;
    final InferenceResponse response;
    private final Optional<String> rewrittenTo;
    private final InferenceMetrics metrics;
    private final String modelLabel;
    /** The pool's endpoint picker routed it and counts it: no per-model meters here. */
    private boolean pickerCounts;

    private InferenceCall(
            OpenAiRequest request,
            Optional<String> rewrittenTo,
            int priority,
            InferenceMetrics metrics,
            String backend,
            long startNanos) {
        this.model = request.model();
        this.rewrittenTo = rewrittenTo;
        this.target = rewrittenTo.orElse(model);
        this.priority = priority;
        this.metrics = metrics;
        this.response = new InferenceResponse(
                rewrittenTo.map(t -> model), rewrittenTo, metrics.tokenClock(backend, startNanos));
        this.modelLabel = metrics.started(model);
    }

    /**
     * Whether inference requests to {@code backend} are read as calls: InferencePools and external
     * providers answer OpenAI responses with {@code usage}; a Service's answers pass through unread.
     */
    static boolean reads(Backend backend) {
        return backend instanceof Backend.InferencePool || backend instanceof Backend.External;
    }

    /**
     * Decides the upstream model of a parsed request to a backend that {@link #reads}.
     *
     * @param forced the {@code x-gateway-model-name-rewrite} header, if sent (it applies to
     *               providers too; the InferenceModelRewrite rules exist only on pools)
     */
    static InferenceCall start(
            OpenAiRequest request,
            Backend backend,
            Optional<String> forced,
            int priority,
            InferenceMetrics metrics,
            RandomGenerator random,
            long startNanos) {
        List<ModelRewrite> rules = backend instanceof Backend.InferencePool pool ? pool.modelRewrites() : List.of();
        Optional<String> to = ModelRewriter.target(request.model(), forced, rules, random);
        return new InferenceCall(request, to, priority, metrics, backend.id(), startNanos);
    }

    /**
     * The priority of the InferenceObjective that {@code x-gateway-inference-objective} names for
     * this pool; 0 when the header is absent or names no objective of the pool.
     */
    static int priority(Optional<String> objective, List<Objective> objectives, String poolId) {
        return Objectives.priority(objective, objectives, poolId);
    }

    /** The body to send: the client's, or a copy with the rewritten model. */
    Upstream.Body body(Upstream.Body original) {
        if (rewrittenTo.isPresent() && original instanceof Upstream.Body.Bytes bytes) {
            return new Upstream.Body.Bytes(RequestRewrite.withModel(bytes.bytes(), rewrittenTo.get()));
        }
        return original;
    }

    /**
     * The pool's endpoint picker routed the request: the picker counts it in the Inference
     * Extension's per-model meters (it is the EPP), so the gateway does not count it a second time
     * (docs/adr/0039-picker-services.md). A request the picker answered itself, failed, or left to
     * the native picker (FailOpen) stays counted here, where it ends.
     */
    void routedByPicker() {
        if (!pickerCounts) {
            pickerCounts = true;
            metrics.handedOver(modelLabel);
        }
    }

    /** The request ended with {@code status} after {@code nanos}. */
    void finished(int status, long nanos) {
        if (pickerCounts) {
            return;
        }
        metrics.finished(
                modelLabel,
                target,
                priority,
                status,
                nanos,
                response.usage().promptTokens(),
                response.usage().completionTokens());
    }
}
