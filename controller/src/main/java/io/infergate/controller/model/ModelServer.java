package io.infergate.controller.model;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A Kthena ModelServer ({@code networking.serving.volcano.sh/v1alpha1}): which pods serve a model
 * and how (docs/kthena.md).
 *
 * @param model       {@code spec.model}: the name written into requests routed here by model name
 * @param engine      {@code spec.inferenceEngine}: {@code vLLM} or {@code SGLang}
 * @param matchLabels {@code spec.workloadSelector.matchLabels}: pods in the same namespace
 * @param pdGroup     {@code spec.workloadSelector.pdGroup}: prefill/decode roles, when disaggregated
 * @param port        {@code spec.workloadPort.port}
 * @param protocol    {@code spec.workloadPort.protocol}: {@code http} (default) or {@code https}
 * @param timeout     {@code spec.trafficPolicy.timeout}
 * @param retries     {@code spec.trafficPolicy.retry.attempts}, 0 when unset
 * @param kvConnector {@code spec.kvConnector.type}
 */
public record ModelServer(
        ObjectMeta meta,
        Optional<String> model,
        String engine,
        Map<String, String> matchLabels,
        Optional<PdGroup> pdGroup,
        int port,
        String protocol,
        Optional<Duration> timeout,
        int retries,
        Optional<String> kvConnector)
        implements KubeObject {

    public ModelServer {
        matchLabels = Map.copyOf(matchLabels);
    }

    /**
     * Prefill/decode disaggregation labels.
     *
     * @param groupKey      pods pair only within one value of this label
     * @param prefillLabels labels of the prefill pods
     * @param decodeLabels  labels of the decode pods
     */
    public record PdGroup(String groupKey, Map<String, String> prefillLabels, Map<String, String> decodeLabels) {
        public PdGroup {
            prefillLabels = Map.copyOf(prefillLabels);
            decodeLabels = Map.copyOf(decodeLabels);
        }
    }
}
