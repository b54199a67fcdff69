package io.infergate.common.snapshot;

import java.util.List;
import java.util.Optional;

/**
 * A backend a rule can send traffic to: a Service port, an InferencePool, or an external
 * OpenAI-compatible provider.
 */
public sealed interface Backend {

    /** {@code service/<ns>/<name>/<port>}, {@code inferencepool/<ns>/<name>} or {@code externalprovider/<ns>/<name>}. */
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
     * An external OpenAI-compatible provider reached over HTTPS (docs/adr/0033-external-providers.md).
     *
     * <p>Rules: the router connects to the base URL's host and port over TLS, sends the host as
     * SNI and verifies the chain against {@link #caCertificates}, or the JDK's trusted roots when
     * there are none (verification is never off); it replaces any client {@code Authorization}
     * with {@code Bearer <apiKey>}. {@link #apiKey} is a secret: {@link #toString()} redacts it
     * and nothing logs or shows it (docs/adr/0021-tls-key-material.md).
     *
     * @param baseUrl        {@code https://host[:port][/path]}, as OpenAI clients take it (e.g.
     *                       {@code https://api.openai.com/v1}); {@link SnapshotValidator} checks it
     * @param caCertificates PEM bundles the provider's chain must lead to; empty: the JDK's roots
     * @param apiKey         the bearer key, read by the controller from a Secret
     */
    record External(
            String id, String namespace, String name, String baseUrl, List<String> caCertificates, String apiKey)
            implements Backend {
        public External {
            caCertificates = List.copyOf(caCertificates);
        }

        /** The canonical id of an external provider backend. */
        public static String idOf(String namespace, String name) {
            return "externalprovider/" + namespace + "/" + name;
        }

        /** The base URL parsed; empty when it is not an absolute URL with a host. */
        public Optional<java.net.URI> uri() {
            try {
                java.net.URI u = new java.net.URI(baseUrl);
                return u.getHost() == null ? Optional.empty() : Optional.of(u);
            } catch (java.net.URISyntaxException e) {
                return Optional.empty();
            }
        }

        /** The provider's host, as SNI and the Host header carry it; "" when the URL has none. */
        public String host() {
            return uri().map(java.net.URI::getHost).orElse("");
        }

        /** The port: the URL's, else 443. */
        public int port() {
            return uri().map(u -> u.getPort() < 0 ? 443 : u.getPort()).orElse(443);
        }

        /** The base URL's path without a trailing slash, "" for none. */
        public String basePath() {
            String path = uri().map(java.net.URI::getRawPath).orElse("");
            return path == null || path.equals("/") ? "" : path.replaceAll("/+$", "");
        }

        /** One endpoint: the base URL's host (a DNS name; resolved when connecting) and port. */
        @Override
        public List<Endpoint> endpoints() {
            String host = host();
            return host.isEmpty()
                    ? List.of()
                    : List.of(new Endpoint(host, port(), Optional.empty(), java.util.Map.of()));
        }

        /** HTTP/1.1 over TLS. */
        @Override
        public AppProtocol appProtocol() {
            return AppProtocol.HTTP;
        }

        @Override
        public String toString() {
            return "External[" + id + ", " + baseUrl + ", " + caCertificates.size() + " CA bundles, key redacted]";
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
