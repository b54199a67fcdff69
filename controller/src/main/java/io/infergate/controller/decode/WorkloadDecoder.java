package io.infergate.controller.decode;

import io.infergate.controller.model.EndpointSlice;
import io.infergate.controller.model.InferenceObjective;
import io.infergate.controller.model.InferencePool;
import io.infergate.controller.model.KubeObject;
import io.infergate.controller.model.Namespace;
import io.infergate.controller.model.ObjectMeta;
import io.infergate.controller.model.Pod;
import io.infergate.controller.model.Service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes the objects behind backends: Namespace, Service, EndpointSlice, Pod, InferencePool,
 * InferenceObjective.
 *
 * <p>Rules: a Pod is ready when {@code status.conditions} has {@code type: Ready, status: "True"};
 * a Service port's {@code targetPort} is a number, or a name resolved per pod, and defaults to
 * {@code port}; a clusterIP of {@code None} is no clusterIP. An EndpointSlice endpoint is ready
 * unless {@code conditions.ready} is false (unset means ready, as the API documents). An InferencePool needs 1..64
 * matchLabels and 1..8 unique target ports, like its CRD.
 */
final class WorkloadDecoder {

    private WorkloadDecoder() {}

    static KubeObject core(String kind, TreeNode root, ObjectMeta meta) {
        return switch (kind) {
            case "Namespace" -> new Namespace(meta);
            case "Service" -> service(root, meta);
            case "Pod" -> pod(root, meta);
            default -> throw new IllegalArgumentException("not a core kind we read: " + kind);
        };
    }

    private static Service service(TreeNode root, ObjectMeta meta) {
        TreeNode spec = root.field("spec");
        List<Service.Port> ports = new ArrayList<>();
        for (TreeNode p : spec.field("ports").list()) {
            int port = p.field("port")
                    .optPort()
                    .orElseThrow(() -> new DecodeException(p.field("port").path(), "is required"));
            TreeNode target = p.field("targetPort");
            Optional<Integer> number = Optional.empty();
            Optional<String> name = Optional.empty();
            if (target.isMissing()) {
                number = Optional.of(port);
            } else if (target.value() instanceof Number
                    || target.string().chars().allMatch(Character::isDigit)) {
                number = target.optPort();
            } else {
                name = Optional.of(target.string());
            }
            ports.add(new Service.Port(
                    p.field("name").optString(),
                    port,
                    number,
                    name,
                    p.field("appProtocol").optString()));
        }
        Optional<String> clusterIP =
                spec.field("clusterIP").optString().filter(ip -> !ip.isEmpty() && !ip.equals("None"));
        return new Service(
                meta,
                spec.field("type").string("ClusterIP"),
                clusterIP,
                spec.field("selector").stringMap(),
                ports);
    }

    private static Pod pod(TreeNode root, ObjectMeta meta) {
        TreeNode status = root.field("status");
        boolean ready = status.field("conditions").list().stream()
                .anyMatch(c -> c.field("type").string("").equals("Ready")
                        && c.field("status").string("").equals("True"));
        List<Pod.ContainerPort> ports = new ArrayList<>();
        for (TreeNode c : root.at("spec.containers").list()) {
            for (TreeNode p : c.field("ports").list()) {
                ports.add(new Pod.ContainerPort(
                        p.field("name").optString(),
                        p.field("containerPort")
                                .optPort()
                                .orElseThrow(() -> new DecodeException(
                                        p.field("containerPort").path(), "is required"))));
            }
        }
        return new Pod(meta, status.field("podIP").optString().filter(ip -> !ip.isEmpty()), ready, ports);
    }

    static EndpointSlice endpointSlice(TreeNode root, ObjectMeta meta) {
        List<EndpointSlice.Port> ports = root.field("ports").list().stream()
                .map(p -> new EndpointSlice.Port(
                        p.field("name").string(""), p.field("port").optPort()))
                .toList();
        List<EndpointSlice.Endpoint> endpoints = new ArrayList<>();
        for (TreeNode e : root.field("endpoints").list()) {
            TreeNode ready = e.at("conditions.ready");
            TreeNode target = e.field("targetRef");
            Optional<String> pod = target.field("kind").string("").equals("Pod")
                    ? target.field("name").optString()
                    : Optional.empty();
            endpoints.add(new EndpointSlice.Endpoint(
                    e.field("addresses").strings(),
                    ready.isMissing() || !ready.string().equals("false"),
                    pod));
        }
        return new EndpointSlice(
                meta,
                Optional.ofNullable(meta.labels().get(EndpointSlice.SERVICE_NAME_LABEL)),
                root.field("addressType").string("IPv4"),
                ports,
                endpoints);
    }

    static InferencePool inferencePool(TreeNode root, ObjectMeta meta) {
        TreeNode spec = root.field("spec");
        TreeNode selector = spec.at("selector.matchLabels");
        Map<String, String> labels = selector.stringMap();
        if (labels.isEmpty() || labels.size() > 64) {
            throw new DecodeException(selector.path(), "needs 1 to 64 labels");
        }
        List<Integer> ports = new ArrayList<>();
        Set<Integer> unique = new HashSet<>();
        for (TreeNode p : spec.field("targetPorts").list()) {
            int n = p.field("number")
                    .optPort()
                    .orElseThrow(() -> new DecodeException(p.field("number").path(), "is required"));
            if (!unique.add(n)) {
                throw new DecodeException(p.field("number").path(), "port number must be unique");
            }
            ports.add(n);
        }
        if (ports.isEmpty() || ports.size() > 8) {
            throw new DecodeException(spec.field("targetPorts").path(), "needs 1 to 8 ports");
        }
        TreeNode epp = spec.field("endpointPickerRef");
        Optional<InferencePool.EndpointPickerRef> picker = epp.isMissing()
                ? Optional.empty()
                : Optional.of(new InferencePool.EndpointPickerRef(
                        epp.field("group").string(""),
                        epp.field("kind").string("Service"),
                        epp.field("name").string(),
                        epp.at("port.number").optPort(),
                        epp.field("failureMode").string("FailClose")));
        return new InferencePool(meta, labels, ports, spec.field("appProtocol").string("http"), picker);
    }

    static InferenceObjective inferenceObjective(TreeNode root, ObjectMeta meta) {
        TreeNode spec = root.field("spec");
        TreeNode ref = spec.field("poolRef");
        return new InferenceObjective(
                meta,
                spec.field("priority").optInt().orElse(0),
                new InferenceObjective.PoolRef(
                        ref.field("group").string("inference.networking.k8s.io"),
                        ref.field("kind").string("InferencePool"),
                        ref.field("name").string()));
    }
}
