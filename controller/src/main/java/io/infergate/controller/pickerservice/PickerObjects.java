package io.infergate.controller.pickerservice;

import java.util.List;

/** The objects the controller keeps in pool namespaces, as values compared whole. */
public final class PickerObjects {

    /** Label on every Service and EndpointSlice of this package: only those are ever changed or deleted. */
    public static final String MANAGED_LABEL = "infergate.io/picker-service";
    /** The EndpointSlice label naming who maintains the slice, so that the endpointslice controller leaves it alone. */
    public static final String SLICE_MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
    /** This controller's value of {@link #SLICE_MANAGED_BY}. */
    public static final String SLICE_MANAGER = "controller.infergate.io";

    private PickerObjects() {}

    /** A Service or slice port: same name and number on both. */
    public record Port(String name, int port, String appProtocol) {}

    /** A selectorless ClusterIP Service. */
    public record Service(String namespace, String name, List<Port> ports) {
        public Service {
            ports = List.copyOf(ports);
        }

        public String key() {
            return namespace + "/" + name;
        }
    }

    /**
     * One ready router pod in a slice.
     *
     * @param podNamespace the routers' namespace (targetRef)
     */
    public record Endpoint(String address, String podNamespace, String podName) {}

    /**
     * An EndpointSlice of a picker Service: one per address family.
     *
     * @param addressType IPv4 or IPv6
     */
    public record Slice(
            String namespace,
            String name,
            String service,
            String addressType,
            List<Port> ports,
            List<Endpoint> endpoints) {
        public Slice {
            ports = List.copyOf(ports);
            endpoints = List.copyOf(endpoints);
        }

        public String key() {
            return namespace + "/" + name;
        }
    }

    /**
     * A pool whose picker Service the controller will not write, and why.
     *
     * @param reason a CamelCase reason for the Event
     */
    public record Conflict(String poolNamespace, String poolName, String reason, String message) {}
}
