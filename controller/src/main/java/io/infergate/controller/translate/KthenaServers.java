package io.infergate.controller.translate;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.common.snapshot.ModelRewrite;
import io.infergate.controller.model.ModelRoute;
import io.infergate.controller.model.ModelServer;
import io.infergate.controller.model.Pod;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Kthena ModelServers as snapshot backends (docs/adr/0029-kthena-objects.md). Pure.
 *
 * <p>A servable ModelServer is an InferencePool-kind backend with id {@code modelserver/<ns>/<name>}:
 * one endpoint per ready pod of its namespace that carries every {@code workloadSelector.matchLabels}
 * label, at {@code workloadPort.port}, labelled with its engine
 * ({@code inference.networking.k8s.io/engine-type}: {@code vllm} or {@code sglang}) unless the pod
 * names one itself, so the routers scrape the right metric names. When {@code spec.model} is set,
 * the backend rewrites requests that name one of its ModelRoutes' {@code modelName}s to it (LoRA
 * adapter names pass unchanged), as Kthena's router does. Not servable, with the reason:
 * {@code workloadPort.protocol: https} (upstream TLS to pods is not modelled). With
 * {@code workloadSelector.pdGroup} only pods carrying the prefill or the decode labels are
 * endpoints, labelled with their role and group (docs/adr/0034-prefill-decode-disaggregation.md).
 */
final class KthenaServers {

    static final String ENGINE_LABEL = "inference.networking.k8s.io/engine-type";
    /** The role label the routers read (llm-d's name; router/disagg/PdSplit). */
    static final String ROLE_LABEL = "llm-d.ai/role";
    /** The prefill/decode group of a pod, from the ModelServer's {@code pdGroup.groupKey} label. */
    static final String GROUP_LABEL = "infergate.io/pd-group";

    private KthenaServers() {}

    /** A ModelServer as judged: the backend when servable, else why not. */
    record Judged(ModelServer server, Optional<Backend.InferencePool> backend, Optional<String> problem) {}

    static String idOf(String namespace, String name) {
        return "modelserver/" + namespace + "/" + name;
    }

    /** Every ModelServer, by {@code ns/name}. */
    static Map<String, Judged> judge(List<ModelServer> servers, List<ModelRoute> routes, Index index) {
        Map<String, Set<String>> aliases = new HashMap<>();
        for (ModelRoute route : routes) {
            route.modelName()
                    .ifPresent(name -> route.rules().stream()
                            .flatMap(r -> r.targets().stream())
                            .forEach(t -> aliases.computeIfAbsent(
                                            route.meta().namespace() + "/" + t.modelServerName(), k -> new TreeSet<>())
                                    .add(name)));
        }
        Map<String, Judged> out = new HashMap<>();
        for (ModelServer s : servers) {
            out.put(s.meta().path(), judge(s, aliases.getOrDefault(s.meta().path(), Set.of()), index));
        }
        return out;
    }

    /**
     * Labels a pod of a disaggregated ModelServer with its role for the routers: {@value #ROLE_LABEL}
     * {@code prefill}, {@code decode}, or {@code both} when it carries both label sets, and
     * {@value #GROUP_LABEL} with the value of its {@code groupKey} label (a prefill pod's KV cache
     * goes only to a decode pod of the same group, as in Kthena). False when it is neither.
     */
    private static boolean pdRole(ModelServer.PdGroup pd, Map<String, String> podLabels, Map<String, String> out) {
        boolean prefill = LabelSelectors.matches(pd.prefillLabels(), podLabels);
        boolean decode = LabelSelectors.matches(pd.decodeLabels(), podLabels);
        if (!prefill && !decode) {
            return false;
        }
        out.put(ROLE_LABEL, prefill && decode ? "both" : prefill ? "prefill" : "decode");
        String group = podLabels.get(pd.groupKey());
        if (group != null) {
            out.put(GROUP_LABEL, group);
        }
        return true;
    }

    private static Judged judge(ModelServer s, Set<String> aliases, Index index) {
        if (s.protocol().equals("https")) {
            return new Judged(
                    s,
                    Optional.empty(),
                    Optional.of("workloadPort.protocol https is not supported: the routers speak plain HTTP to pods"));
        }
        String engine = s.engine().toLowerCase(Locale.ROOT);
        List<Endpoint> endpoints = new ArrayList<>();
        for (Pod pod : index.pods(s.meta().namespace())) {
            if (pod.servesTraffic()
                    && LabelSelectors.matches(s.matchLabels(), pod.meta().labels())) {
                Map<String, String> labels = new HashMap<>(pod.meta().labels());
                labels.putIfAbsent(ENGINE_LABEL, engine);
                if (s.pdGroup().isPresent()
                        && !pdRole(s.pdGroup().get(), pod.meta().labels(), labels)) {
                    continue; // neither prefill nor decode: not part of a disaggregated server
                }
                endpoints.add(new Endpoint(
                        pod.podIP().orElseThrow(),
                        s.port(),
                        Optional.of(pod.meta().name()),
                        labels));
            }
        }
        endpoints.sort(Comparator.comparing((Endpoint e) -> e.pod().orElse("")).thenComparing(Endpoint::address));
        String id = idOf(s.meta().namespace(), s.meta().name());
        List<ModelRewrite> rewrites = s.model().isEmpty() || aliases.isEmpty()
                ? List.of()
                : List.of(new ModelRewrite(
                        id + "/model",
                        List.copyOf(aliases),
                        List.of(new ModelRewrite.Target(s.model().get(), 1))));
        return new Judged(
                s,
                Optional.of(new Backend.InferencePool(
                        id,
                        s.meta().namespace(),
                        s.meta().name(),
                        Backend.AppProtocol.HTTP,
                        endpoints,
                        Optional.empty(),
                        rewrites)),
                Optional.empty());
    }
}
