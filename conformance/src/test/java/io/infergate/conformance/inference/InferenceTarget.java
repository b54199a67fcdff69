package io.infergate.conformance.inference;

import io.infergate.controller.kube.KubeRest;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the Inference Extension cases run: a Kubernetes API that holds the suite's objects, with
 * Infergate serving the Gateways of {@link #gatewayClassName()} and the pools' real endpoint
 * pickers watching the same API. The cases only read and write API objects and send requests to
 * the addresses the Gateways report, as the upstream suite does.
 *
 * <p>{@link LoopbackCluster}: a real kube-apiserver, in-process controller and router, loopback pods
 * and Services. {@link TestCluster}: the real single-node cluster of .ci/cluster with Infergate
 * installed by {@code kubectl apply -k} and the suite's Deployments running.
 */
interface InferenceTarget extends AutoCloseable {

    /** The API the suite reads and writes (admin rights). */
    KubeRest rest();

    /** The GatewayClass the suite's Gateways name. */
    String gatewayClassName();

    /** Placeholders of the manifests ({@code {PORT_80}}, ...) and what they stand for here. */
    Map<String, String> substitutions();

    /** The report's {@code mode}: how the run was made. */
    String mode();

    /** What the report says about where the run happened (comment lines, without the leading '#'). */
    String description();

    /** Where the run's report goes. */
    Path reportFile();

    /**
     * Whether the echo backend reports the port that answered (the loopback pods) rather than a
     * configured one whatever the listener (echo-basic's {@code HTTP_PORT}, also on its h2c port).
     */
    boolean echoReportsListenerPort();

    /**
     * Makes a pool's endpoint picker unreachable for the router; returns what restores it (and
     * returns once it is back). By default upstream's way, the picker's Service made to select
     * nothing, which is enough where that ends the router's connections to it.
     */
    default Runnable makePickerUnavailable(ApiObjects api, ApiObjects.Name service, String deployment)
            throws Exception {
        return api.makeServiceUnavailable(service);
    }

    @Override
    void close();
}
