package io.infergate.common.snapshot;

import java.util.List;
import java.util.Optional;

/**
 * A backend a rule can send traffic to: a Service port, or an InferencePool.
 */
public sealed interface Backend {

    /** {@code service/<ns>/<name>/<port>} or {@code inferencepool/<ns>/<name>}. */
    String id();

    /** The ready endpoints; empty means requests get 503. */
    List<Endpoint> endpoints();

    /** How the router speaks to the endpoints. */
    AppProtocol appProtocol();

    /**
     * A Service port. Endpoints are its ready Pods (or EndpointSlice addresses) at the resolved
     * target port.
     */
    record Service(
            String id, String namespace, String name, int port, AppProtocol appProtocol, List<Endpoint> endpoints)
            implements Backend {
        public Service {
            endpoints = List.copyOf(endpoints);
        }

        /** The canonical id of a Service port backend. */
        public static String idOf(String namespace, String name, int port) {
            return "service/" + namespace + "/" + name + "/" + port;
        }
    }

    /**
     * An InferencePool: one endpoint per ready pod and target port; the router picks among them
     * itself, or asks the endpoint picker when {@code endpointPicker} is present.
     *
     * @param modelRewrites the InferenceModelRewrite rules for this pool, in precedence order
     *                      (the first matching rule applies); empty when none
     */
    record InferencePool(
            String id,
            String namespace,
            String name,
            AppProtocol appProtocol,
            List<Endpoint> endpoints,
            Optional<EndpointPicker> endpointPicker,
            List<ModelRewrite> modelRewrites)
            implements Backend {
        public InferencePool {
            endpoints = List.copyOf(endpoints);
            endpointPicker = endpointPicker == null ? Optional.empty() : endpointPicker;
            modelRewrites = modelRewrites == null ? List.of() : List.copyOf(modelRewrites);
        }

        /** A pool without model rewrite rules. */
        public InferencePool(
                String id,
                String namespace,
                String name,
                AppProtocol appProtocol,
                List<Endpoint> endpoints,
                Optional<EndpointPicker> endpointPicker) {
            this(id, namespace, name, appProtocol, endpoints, endpointPicker, List.of());
        }

        /** This pool with {@code rules} as its model rewrite rules. */
        public InferencePool withModelRewrites(List<ModelRewrite> rules) {
            return new InferencePool(id, namespace, name, appProtocol, endpoints, endpointPicker, rules);
        }

        /** The canonical id of an InferencePool backend. */
        public static String idOf(String namespace, String name) {
            return "inferencepool/" + namespace + "/" + name;
        }
    }

    /**
     * An InferencePool's {@code endpointPickerRef}, resolved to an address.
     *
     * @param host        the picker Service's DNS name or address
     * @param port        its gRPC port
     * @param failOpen    true for FailOpen (pick natively when the picker is unreachable)
     */
    record EndpointPicker(String host, int port, boolean failOpen) {}

    /** Upstream protocol: HTTP/1.1, or HTTP/2 with prior knowledge ({@code kubernetes.io/h2c}). */
    enum AppProtocol {
        HTTP,
        H2C
    }
}
