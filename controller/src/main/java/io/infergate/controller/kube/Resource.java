package io.infergate.controller.kube;

import java.util.List;
import java.util.Optional;

/**
 * One kind the controller watches.
 *
 * @param kind       the Kubernetes kind, e.g. {@code HTTPRoute}
 * @param group      the API group, {@code ""} for core
 * @param versions   the versions we read, preferred first; discovery picks the first one served
 * @param plural     the resource name in URLs
 * @param namespaced whether objects live in namespaces
 * @param family     which flag turns it on
 * @param optional   whether it may be absent from the API server (a CRD), so that discovery
 *                   decides; core kinds are always served
 * @param selector   the field selector of its informer, {@code ""} for none: two informers of one
 *                   kind (the two kinds of Secret) differ by it
 */
public record Resource(
        String kind,
        String group,
        List<String> versions,
        String plural,
        boolean namespaced,
        Family family,
        boolean optional,
        String selector) {

    public Resource {
        versions = List.copyOf(versions);
    }

    /** A resource watched whole. */
    public Resource(
            String kind,
            String group,
            List<String> versions,
            String plural,
            boolean namespaced,
            Family family,
            boolean optional) {
        this(kind, group, versions, plural, namespaced, family, optional, "");
    }

    /** The families of kinds that flags turn on and off. */
    public enum Family {
        /** Namespace, Service, EndpointSlice, Pod, and the token Secret: always on. */
        CORE,
        /** GatewayClass, Gateway, HTTPRoute, ReferenceGrant ({@code --enable-gateway-api}). */
        GATEWAY_API,
        /** InferencePool, InferenceObjective, InferenceModelRewrite ({@code --enable-gateway-api-inference-extension}). */
        INFERENCE_EXTENSION,
        /** Kthena's ModelServer and ModelRoute: read whenever their CRDs are installed (docs/kthena.md). */
        KTHENA
    }

    static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

    public static final Resource GATEWAY_CLASS =
            crd("GatewayClass", GATEWAY_GROUP, List.of("v1", "v1beta1"), "gatewayclasses", false, Family.GATEWAY_API);
    public static final Resource GATEWAY =
            crd("Gateway", GATEWAY_GROUP, List.of("v1", "v1beta1"), "gateways", true, Family.GATEWAY_API);
    public static final Resource HTTP_ROUTE =
            crd("HTTPRoute", GATEWAY_GROUP, List.of("v1", "v1beta1"), "httproutes", true, Family.GATEWAY_API);
    public static final Resource REFERENCE_GRANT =
            crd("ReferenceGrant", GATEWAY_GROUP, List.of("v1", "v1beta1"), "referencegrants", true, Family.GATEWAY_API);
    public static final Resource INFERENCE_POOL = crd(
            "InferencePool",
            "inference.networking.k8s.io",
            List.of("v1"),
            "inferencepools",
            true,
            Family.INFERENCE_EXTENSION);
    public static final Resource INFERENCE_OBJECTIVE = crd(
            "InferenceObjective",
            "inference.networking.x-k8s.io",
            List.of("v1alpha2"),
            "inferenceobjectives",
            true,
            Family.INFERENCE_EXTENSION);
    public static final Resource INFERENCE_MODEL_REWRITE = crd(
            "InferenceModelRewrite",
            "inference.networking.x-k8s.io",
            List.of("v1alpha2"),
            "inferencemodelrewrites",
            true,
            Family.INFERENCE_EXTENSION);
    public static final Resource NAMESPACE = core("Namespace", "", "v1", "namespaces", false);
    public static final Resource SERVICE = core("Service", "", "v1", "services", true);
    public static final Resource ENDPOINT_SLICE =
            core("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", true);
    public static final Resource POD = core("Pod", "", "v1", "pods", true);
    public static final Resource SECRET = core("Secret", "", "v1", "secrets", true);
    /**
     * Secrets of type {@code kubernetes.io/tls}, cluster-wide, for listener {@code certificateRefs}
     * (docs/adr/0021-tls-key-material.md): watched with the field selector
     * {@link #TLS_SECRET_SELECTOR}, so other Secrets never reach the controller's memory.
     */
    public static final Resource TLS_SECRET =
            new Resource("Secret", "", List.of("v1"), "secrets", true, Family.CORE, false, "type=kubernetes.io/tls");

    /** The field selector of the {@link #TLS_SECRET} informer. */
    public static final String TLS_SECRET_SELECTOR = TLS_SECRET.selector();

    /**
     * Secrets of type {@code infergate.io/api-keys}, for AuthPolicies' {@code apiKeys.secretRefs}
     * (docs/adr/0024-authentication-policy.md): the values are hashed as they are decoded.
     */
    public static final Resource API_KEY_SECRET = new Resource(
            "Secret", "", List.of("v1"), "secrets", true, Family.CORE, false, "type=infergate.io/api-keys");

    /**
     * Secrets of type {@code infergate.io/provider-key}, for ExternalProviders'
     * {@code apiKeySecretRef} (docs/adr/0033-external-providers.md).
     */
    public static final Resource PROVIDER_KEY_SECRET = new Resource(
            "Secret", "", List.of("v1"), "secrets", true, Family.CORE, false, "type=infergate.io/provider-key");

    /** ExternalProvider, our own backend kind for OpenAI-compatible upstreams (CRD in kustomize/base). */
    public static final Resource EXTERNAL_PROVIDER =
            crd("ExternalProvider", "infergate.io", List.of("v1alpha1"), "externalproviders", true, Family.GATEWAY_API);

    /** AuthPolicy, our own policy attachment (CRD in kustomize/base). */
    public static final Resource AUTH_POLICY =
            crd("AuthPolicy", "infergate.io", List.of("v1alpha1"), "authpolicies", true, Family.GATEWAY_API);

    /** RateLimitPolicy, our own policy attachment (CRD in kustomize/base). */
    public static final Resource RATE_LIMIT_POLICY =
            crd("RateLimitPolicy", "infergate.io", List.of("v1alpha1"), "ratelimitpolicies", true, Family.GATEWAY_API);

    /** BackendTLSPolicy, Gateway API standard channel (v1 since v1.4). */
    public static final Resource BACKEND_TLS_POLICY =
            crd("BackendTLSPolicy", GATEWAY_GROUP, List.of("v1"), "backendtlspolicies", true, Family.GATEWAY_API);

    /**
     * ConfigMaps, cluster-wide, for BackendTLSPolicies' {@code caCertificateRefs}: only
     * {@code ca.crt} is kept as they are decoded (docs/adr/0027-backend-tls.md).
     */
    public static final Resource CONFIG_MAP = core("ConfigMap", "", "v1", "configmaps", true);

    /** Kthena's group (docs/adr/0029-kthena-objects.md). */
    static final String KTHENA_GROUP = "networking.serving.volcano.sh";

    public static final Resource MODEL_SERVER =
            crd("ModelServer", KTHENA_GROUP, List.of("v1alpha1"), "modelservers", true, Family.KTHENA);
    public static final Resource MODEL_ROUTE =
            crd("ModelRoute", KTHENA_GROUP, List.of("v1alpha1"), "modelroutes", true, Family.KTHENA);

    /** Every kind the translator reads, in a fixed order (the token Secret is watched separately). */
    public static final List<Resource> INPUTS = List.of(
            GATEWAY_CLASS,
            GATEWAY,
            HTTP_ROUTE,
            REFERENCE_GRANT,
            INFERENCE_POOL,
            INFERENCE_OBJECTIVE,
            INFERENCE_MODEL_REWRITE,
            NAMESPACE,
            SERVICE,
            ENDPOINT_SLICE,
            POD,
            TLS_SECRET,
            API_KEY_SECRET,
            PROVIDER_KEY_SECRET,
            AUTH_POLICY,
            RATE_LIMIT_POLICY,
            CONFIG_MAP,
            BACKEND_TLS_POLICY,
            MODEL_SERVER,
            MODEL_ROUTE,
            EXTERNAL_PROVIDER);

    /** {@code group/version}, or {@code version} for core. */
    public String apiVersion(String version) {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The version to watch among those served, if any. */
    Optional<String> pick(List<String> served) {
        return versions.stream().filter(served::contains).findFirst();
    }

    private static Resource crd(
            String kind, String group, List<String> versions, String plural, boolean namespaced, Family family) {
        return new Resource(kind, group, versions, plural, namespaced, family, true);
    }

    private static Resource core(String kind, String group, String version, String plural, boolean namespaced) {
        return new Resource(kind, group, List.of(version), plural, namespaced, Family.CORE, false);
    }
}
