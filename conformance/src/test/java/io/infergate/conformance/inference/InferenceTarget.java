package io.infergate.conformance.inference;

import io.infergate.controller.kube.KubeRest;

import java.util.Map;

/**
 * Where the Inference Extension cases run: a Kubernetes API that holds the suite's objects, with
 * Infergate serving the Gateways of {@link #gatewayClassName()} and the pools' real endpoint
 * pickers watching the same API. The cases only read and write API objects and send requests to
 * the addresses the Gateways report, as the upstream suite does, so another target (a real
 * cluster with Infergate installed and the suite's Deployments running, issue #14) plugs in here.
 *
 * <p>Today: {@link LoopbackCluster} (a real kube-apiserver, in-process controller and router,
 * loopback pods and Services).
 */
interface InferenceTarget extends AutoCloseable {

    /** The API the suite reads and writes (admin rights). */
    KubeRest rest();

    /** The GatewayClass the suite's Gateways name. */
    String gatewayClassName();

    /** Placeholders of the manifests ({@code {PORT_80}}, ...) and what they stand for here. */
    Map<String, String> substitutions();

    /** What the report says about where the run happened. */
    String description();

    @Override
    void close();
}
