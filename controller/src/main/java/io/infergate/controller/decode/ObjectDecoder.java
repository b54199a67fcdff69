package io.infergate.controller.decode;

import io.infergate.controller.model.GatewayClass;
import io.infergate.controller.model.GatewayObject;
import io.infergate.controller.model.KubeObject;
import io.infergate.controller.model.ObjectMeta;
import io.infergate.controller.model.ReferenceGrant;
import io.infergate.controller.model.Secret;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes one Kubernetes object from a generic tree ({@code Map<String,Object>} as parsed from
 * YAML or JSON) into the model, applying the defaults the API server and the CRDs would.
 *
 * <p>Kinds read: Secret (type and TLS entries only), GatewayClass, Gateway, HTTPRoute, ReferenceGrant
 * ({@code gateway.networking.k8s.io} v1 and v1beta1), Namespace, Service, Pod ({@code v1}), EndpointSlice
 * ({@code discovery.k8s.io/v1}),
 * InferencePool ({@code inference.networking.k8s.io/v1}), InferenceObjective and InferenceModelRewrite
 * ({@code inference.networking.x-k8s.io/v1alpha2}), AuthPolicy, RateLimitPolicy and ExternalProvider ({@code infergate.io/v1alpha1}),
 * BackendTLSPolicy ({@code gateway.networking.k8s.io/v1}), ConfigMap ({@code ca.crt} only), Kthena's
 * ModelServer and ModelRoute ({@code networking.serving.volcano.sh/v1alpha1}). Namespaced objects without a namespace are in
 * {@code default}; {@code metadata.generation} defaults to 1. The decoder also refuses what the
 * API server would refuse and the router could not serve (duplicate listener names, ports outside
 * 1..65535), so that a bad object fails only itself.
 */
public final class ObjectDecoder {

    static final String GATEWAY_GROUP = "gateway.networking.k8s.io";
    private static final Set<String> GATEWAY_VERSIONS = Set.of(GATEWAY_GROUP + "/v1", GATEWAY_GROUP + "/v1beta1");

    private ObjectDecoder() {}

    /**
     * Decodes one object.
     *
     * @param tree                   the object as a generic tree
     * @param standInCreationTimestamp used when the object has no {@code metadata.creationTimestamp}
     */
    public static Decoded decode(Map<String, Object> tree, String standInCreationTimestamp) {
        TreeNode root = TreeNode.root(tree);
        String apiVersion;
        String kind;
        try {
            apiVersion = root.field("apiVersion").string("");
            kind = root.field("kind").string("");
        } catch (DecodeException e) {
            return new Decoded.Invalid("object", e.getMessage());
        }
        String key = kind + " " + describe(root, !kind.equals("GatewayClass") && !kind.equals("Namespace"));
        try {
            Optional<KubeObject> object = switch (kind) {
                case "GatewayClass" ->
                    when(
                            GATEWAY_VERSIONS.contains(apiVersion),
                            () -> gatewayClass(root, meta(root, false, standInCreationTimestamp)));
                case "Gateway" ->
                    when(
                            GATEWAY_VERSIONS.contains(apiVersion),
                            () -> gateway(root, meta(root, true, standInCreationTimestamp)));
                case "HTTPRoute" ->
                    when(
                            GATEWAY_VERSIONS.contains(apiVersion),
                            () -> RouteDecoder.httpRoute(root, meta(root, true, standInCreationTimestamp)));
                case "ReferenceGrant" ->
                    when(
                            GATEWAY_VERSIONS.contains(apiVersion),
                            () -> referenceGrant(root, meta(root, true, standInCreationTimestamp)));
                case "Secret" ->
                    when(apiVersion.equals("v1"), () -> secret(root, meta(root, true, standInCreationTimestamp)));
                case "Namespace", "Service", "Pod" ->
                    when(
                            apiVersion.equals("v1"),
                            () -> WorkloadDecoder.core(
                                    kind, root, meta(root, !kind.equals("Namespace"), standInCreationTimestamp)));
                case "EndpointSlice" ->
                    when(
                            apiVersion.equals("discovery.k8s.io/v1"),
                            () -> WorkloadDecoder.endpointSlice(root, meta(root, true, standInCreationTimestamp)));
                case "InferencePool" ->
                    when(
                            apiVersion.equals("inference.networking.k8s.io/v1"),
                            () -> WorkloadDecoder.inferencePool(root, meta(root, true, standInCreationTimestamp)));
                case "InferenceObjective" ->
                    when(
                            apiVersion.equals("inference.networking.x-k8s.io/v1alpha2"),
                            () -> WorkloadDecoder.inferenceObjective(root, meta(root, true, standInCreationTimestamp)));
                case "InferenceModelRewrite" ->
                    when(
                            apiVersion.equals("inference.networking.x-k8s.io/v1alpha2"),
                            () -> RewriteDecoder.inferenceModelRewrite(
                                    root, meta(root, true, standInCreationTimestamp)));
                case "AuthPolicy" ->
                    when(
                            apiVersion.equals(PolicyDecoder.API_VERSION),
                            () -> PolicyDecoder.authPolicy(root, meta(root, true, standInCreationTimestamp)));
                case "RateLimitPolicy" ->
                    when(
                            apiVersion.equals(PolicyDecoder.API_VERSION),
                            () -> RateLimitDecoder.rateLimitPolicy(root, meta(root, true, standInCreationTimestamp)));
                case "BackendTLSPolicy" ->
                    when(
                            apiVersion.equals(GATEWAY_GROUP + "/v1"),
                            () -> BackendTlsDecoder.policy(root, meta(root, true, standInCreationTimestamp)));
                case "ConfigMap" ->
                    when(
                            apiVersion.equals("v1"),
                            () -> BackendTlsDecoder.configMap(root, meta(root, true, standInCreationTimestamp)));
                case "ModelServer" ->
                    when(
                            apiVersion.equals(KthenaDecoder.API_VERSION),
                            () -> KthenaDecoder.modelServer(root, meta(root, true, standInCreationTimestamp)));
                case "ModelRoute" ->
                    when(
                            apiVersion.equals(KthenaDecoder.API_VERSION),
                            () -> KthenaDecoder.modelRoute(root, meta(root, true, standInCreationTimestamp)));
                case "ExternalProvider" ->
                    when(
                            apiVersion.equals(PolicyDecoder.API_VERSION),
                            () -> ProviderDecoder.externalProvider(root, meta(root, true, standInCreationTimestamp)));
                default -> Optional.empty();
            };
            return object.<Decoded>map(Decoded.Ok::new).orElse(new Decoded.Unknown(apiVersion, kind));
        } catch (DecodeException e) {
            return new Decoded.Invalid(key, e.getMessage());
        } catch (RuntimeException e) {
            // Any other surprise in a hand-written tree still fails only this object.
            return new Decoded.Invalid(key, "cannot be read: " + e);
        }
    }

    private interface Build {
        KubeObject get();
    }

    private static Optional<KubeObject> when(boolean known, Build build) {
        return known ? Optional.of(build.get()) : Optional.empty();
    }

    /** The same text as {@link KubeObject#key()} would give, so that a source can pair the two. */
    private static String describe(TreeNode root, boolean namespaced) {
        try {
            String name = root.at("metadata.name").string("<no name>");
            return namespaced
                    ? root.at("metadata.namespace")
                                    .optString()
                                    .filter(ns -> !ns.isEmpty())
                                    .orElse("default") + "/" + name
                    : name;
        } catch (DecodeException e) {
            return "<unreadable metadata>";
        }
    }

    static ObjectMeta meta(TreeNode root, boolean namespaced, String standInCreationTimestamp) {
        TreeNode m = root.field("metadata");
        String name = m.field("name").string();
        if (name.isEmpty()) {
            throw new DecodeException("metadata.name", "must not be empty");
        }
        String namespace = namespaced ? m.field("namespace").string("default") : "";
        return new ObjectMeta(
                namespace.isEmpty() && namespaced ? "default" : namespace,
                name,
                m.field("generation").optLong().orElse(1L),
                m.field("creationTimestamp").string(standInCreationTimestamp),
                m.field("labels").stringMap(),
                m.field("annotations").stringMap(),
                !m.field("deletionTimestamp").isMissing());
    }

    private static GatewayClass gatewayClass(TreeNode root, ObjectMeta meta) {
        return new GatewayClass(meta, root.at("spec.controllerName").string());
    }

    private static GatewayObject gateway(TreeNode root, ObjectMeta meta) {
        TreeNode spec = root.field("spec");
        List<GatewayObject.Listener> listeners = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (TreeNode l : spec.field("listeners").list()) {
            String name = l.field("name").string();
            if (!names.add(name)) {
                throw new DecodeException(l.field("name").path(), "duplicate listener name '" + name + "'");
            }
            listeners.add(new GatewayObject.Listener(
                    name,
                    l.field("port")
                            .optPort()
                            .orElseThrow(
                                    () -> new DecodeException(l.field("port").path(), "is required")),
                    l.field("protocol").string(),
                    l.field("hostname").optString().filter(h -> !h.isEmpty()),
                    allowedRoutes(l.field("allowedRoutes")),
                    l.field("tls").field("certificateRefs").list().stream()
                            .map(c -> new GatewayObject.CertificateRef(
                                    c.field("group").string(""),
                                    c.field("kind").string("Secret"),
                                    c.field("name").string(),
                                    c.field("namespace").optString().filter(n -> !n.isEmpty())))
                            .toList(),
                    l.field("tls").field("mode").string("Terminate")));
        }
        if (listeners.isEmpty()) {
            throw new DecodeException(spec.field("listeners").path(), "at least one listener is required");
        }
        List<GatewayObject.Address> addresses = spec.field("addresses").list().stream()
                .map(a -> new GatewayObject.Address(
                        a.field("type").string("IPAddress"), a.field("value").string()))
                .toList();
        return new GatewayObject(meta, spec.field("gatewayClassName").string(), listeners, addresses);
    }

    /**
     * A Secret: its type, and for {@code kubernetes.io/tls} the two PEM entries, from {@code data}
     * (base64) or {@code stringData} (as written, which local-mode folders may use). An entry that
     * is not valid base64 is kept as empty text, so the listener reports the Secret as malformed.
     */
    private static Secret secret(TreeNode root, ObjectMeta meta) {
        String type = root.field("type").string("Opaque");
        if (type.equals(Secret.API_KEYS)) {
            return PolicyDecoder.apiKeySecret(root, meta, type);
        }
        if (type.equals(Secret.PROVIDER_KEY)) {
            return ProviderDecoder.providerKeySecret(root, meta, type);
        }
        if (!type.equals(Secret.TLS)) {
            return new Secret(meta, type, Optional.empty(), Optional.empty());
        }
        return new Secret(meta, type, secretEntry(root, "tls.crt"), secretEntry(root, "tls.key"));
    }

    private static Optional<String> secretEntry(TreeNode root, String key) {
        Optional<String> plain = root.field("stringData").field(key).optString();
        if (plain.isPresent()) {
            return plain;
        }
        return root.field("data").field(key).optString().map(b64 -> {
            try {
                return new String(
                        java.util.Base64.getMimeDecoder().decode(b64), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return "";
            }
        });
    }

    private static GatewayObject.AllowedRoutes allowedRoutes(TreeNode node) {
        if (node.isMissing()) {
            return GatewayObject.AllowedRoutes.defaults();
        }
        TreeNode namespaces = node.field("namespaces");
        Optional<GatewayObject.LabelSelector> selector =
                namespaces.field("selector").isMissing()
                        ? Optional.empty()
                        : Optional.of(labelSelector(namespaces.field("selector")));
        List<GatewayObject.GroupKind> kinds = node.field("kinds").list().stream()
                .map(k -> new GatewayObject.GroupKind(
                        k.field("group").string(GATEWAY_GROUP), k.field("kind").string()))
                .toList();
        return new GatewayObject.AllowedRoutes(namespaces.field("from").string("Same"), selector, kinds);
    }

    static GatewayObject.LabelSelector labelSelector(TreeNode node) {
        List<GatewayObject.Requirement> expressions = node.field("matchExpressions").list().stream()
                .map(e -> new GatewayObject.Requirement(
                        e.field("key").string(),
                        e.field("operator").string(),
                        e.field("values").strings()))
                .toList();
        return new GatewayObject.LabelSelector(node.field("matchLabels").stringMap(), expressions);
    }

    private static ReferenceGrant referenceGrant(TreeNode root, ObjectMeta meta) {
        TreeNode spec = root.field("spec");
        List<ReferenceGrant.From> from = spec.field("from").list().stream()
                .map(f -> new ReferenceGrant.From(
                        f.field("group").string(),
                        f.field("kind").string(),
                        f.field("namespace").string()))
                .toList();
        List<ReferenceGrant.To> to = spec.field("to").list().stream()
                .map(t -> new ReferenceGrant.To(
                        t.field("group").string(),
                        t.field("kind").string(),
                        t.field("name").optString().filter(n -> !n.isEmpty())))
                .toList();
        return new ReferenceGrant(meta, from, to);
    }
}
