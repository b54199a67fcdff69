package io.infergate.controller.translate;

import java.util.List;
import java.util.Map;

/**
 * What the translator needs to know about this controller.
 *
 * @param controllerName   GatewayClasses with this {@code spec.controllerName} are ours
 * @param gatewayAddresses addresses reported in a Gateway's {@code status.addresses} when its
 *                         spec names none (the routers' addresses); IP literals are reported as
 *                         IPAddress, anything else as Hostname
 * @param serviceEndpoints where a Service backend's endpoints come from
 */
public record TranslatorConfig(String controllerName, List<String> gatewayAddresses, ServiceEndpoints serviceEndpoints,
                               Isolation isolation) {

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
     * How Gateways sharing a port are kept apart (docs/adr/0006-gateway-isolation.md).
     *
     * @param perGatewayPorts  Kubernetes: a Gateway whose port an older Gateway serves gets router
     *                         ports of the reserved range and a Service of its own; local mode:
     *                         false (Gateways are kept apart by {@code spec.addresses})
     * @param portRangeStart   first router port of the reserved range
     * @param portRangeSize    number of ports in the range
     * @param serviceAddresses per Gateway ({@code ns/name}), the addresses of its Service, once known
     */
    public record Isolation(boolean perGatewayPorts, int portRangeStart, int portRangeSize,
                            Map<String, List<String>> serviceAddresses) {

        /** Local mode. */
        public static final Isolation SHARED = new Isolation(false, 1, 1, Map.of());

        public Isolation {
            if (portRangeSize < 1 || portRangeStart < 1 || portRangeStart + portRangeSize - 1 > 65535) {
                throw new IllegalArgumentException("router port range " + portRangeStart + " + " + portRangeSize
                        + " is not within 1..65535");
            }
            serviceAddresses = Map.copyOf(serviceAddresses);
        }

        /** Kubernetes: remap onto this range. */
        public static Isolation perGateway(int start, int size) {
            return new Isolation(true, start, size, Map.of());
        }

        public Isolation withServiceAddresses(Map<String, List<String>> addresses) {
            return new Isolation(perGatewayPorts, portRangeStart, portRangeSize, addresses);
        }
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
