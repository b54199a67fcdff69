package io.infergate.controller.translate;

import java.util.List;

/**
 * What the translator needs to know about this controller.
 *
 * @param controllerName   GatewayClasses with this {@code spec.controllerName} are ours
 * @param gatewayAddresses addresses reported in a Gateway's {@code status.addresses} when its
 *                         spec names none (the routers' addresses); IP literals are reported as
 *                         IPAddress, anything else as Hostname
 * @param serviceEndpoints where a Service backend's endpoints come from
 * @param isolation        how Gateways sharing a port are kept apart
 */
public record TranslatorConfig(
        String controllerName, List<String> gatewayAddresses, ServiceEndpoints serviceEndpoints, Isolation isolation) {

    /** The controllerName this project uses unless configured otherwise. */
    public static final String DEFAULT_CONTROLLER_NAME = "infergate.io/gateway-controller";

    public TranslatorConfig {
        gatewayAddresses = List.copyOf(gatewayAddresses);
    }

    /** Gateways share router ports (kept apart by {@code spec.addresses}). */
    public TranslatorConfig(String controllerName, List<String> gatewayAddresses, ServiceEndpoints serviceEndpoints) {
        this(controllerName, gatewayAddresses, serviceEndpoints, Isolation.SHARED);
    }

    /** Local mode: Service endpoints are resolved through Pods. */
    public TranslatorConfig(String controllerName, List<String> gatewayAddresses) {
        this(controllerName, gatewayAddresses, ServiceEndpoints.PODS);
    }

    /** The same configuration with other Gateway addresses. */
    public TranslatorConfig withGatewayAddresses(List<String> addresses) {
        return new TranslatorConfig(controllerName, addresses, serviceEndpoints, isolation);
    }

    /** The same configuration with other isolation settings. */
    public TranslatorConfig withIsolation(Isolation value) {
        return new TranslatorConfig(controllerName, gatewayAddresses, serviceEndpoints, value);
    }

    /**
     * Where a Service's endpoints come from. In a cluster, the EndpointSlices the Service's
     * controller maintains are the truth (they honour {@code publishNotReadyAddresses}, selector-less
     * Services and manual slices); a folder of manifests has no such controller, so local mode
     * selects Pods by the Service's selector itself.
     */
    public enum ServiceEndpoints {
        /** Select Pods by the Service's selector (local mode). */
        PODS,
        /** Read the EndpointSlices labelled {@code kubernetes.io/service-name} (cluster mode). */
        ENDPOINT_SLICES
    }
}
