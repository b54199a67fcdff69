package io.infergate.controller.model;

/** Every input kind the translator understands. */
public sealed interface KubeObject
        permits GatewayClass,
                GatewayObject,
                HttpRouteObject,
                ReferenceGrant,
                Namespace,
                Service,
                EndpointSlice,
                Pod,
                InferencePool,
                InferenceObjective,
                InferenceModelRewrite,
                Secret,
                AuthPolicyObject,
                RateLimitPolicyObject,
                ConfigMap,
                BackendTlsPolicyObject,
                ModelServer,
                ModelRoute,
                ExternalProviderObject {

    ObjectMeta meta();

    /** The Kubernetes kind, e.g. {@code HTTPRoute}. */
    default String kind() {
        return switch (this) {
            case GatewayClass o -> "GatewayClass";
            case GatewayObject o -> "Gateway";
            case HttpRouteObject o -> "HTTPRoute";
            case ReferenceGrant o -> "ReferenceGrant";
            case Namespace o -> "Namespace";
            case Service o -> "Service";
            case EndpointSlice o -> "EndpointSlice";
            case Pod o -> "Pod";
            case InferencePool o -> "InferencePool";
            case InferenceObjective o -> "InferenceObjective";
            case InferenceModelRewrite o -> "InferenceModelRewrite";
            case Secret o -> "Secret";
            case AuthPolicyObject o -> "AuthPolicy";
            case RateLimitPolicyObject o -> "RateLimitPolicy";
            case ConfigMap o -> "ConfigMap";
            case BackendTlsPolicyObject o -> "BackendTLSPolicy";
            case ModelServer o -> "ModelServer";
            case ModelRoute o -> "ModelRoute";
            case ExternalProviderObject o -> "ExternalProvider";
        };
    }

    /** {@code Kind namespace/name}: identity for duplicate detection and log lines. */
    default String key() {
        return kind() + " " + meta().path();
    }
}
