package io.infergate.controller.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every input object at one instant, the translator's whole input. Lists are sorted by
 * {@code namespace/name}, so the same objects always give the same state whatever order a source
 * read them in. Secrets are only {@code kubernetes.io/tls} ones, read for listener certificates,
 * {@code infergate.io/provider-key} ones, read for ExternalProviders,
 * and {@code infergate.io/api-keys} ones, read (hashed) for AuthPolicies (and, in local mode, any
 * the folder holds). ConfigMaps keep only their {@code ca.crt}, read for BackendTLSPolicies.
 */
public record ClusterState(
        List<GatewayClass> gatewayClasses,
        List<GatewayObject> gateways,
        List<HttpRouteObject> httpRoutes,
        List<ReferenceGrant> referenceGrants,
        List<Namespace> namespaces,
        List<Service> services,
        List<EndpointSlice> endpointSlices,
        List<Pod> pods,
        List<InferencePool> inferencePools,
        List<InferenceObjective> inferenceObjectives,
        List<InferenceModelRewrite> inferenceModelRewrites,
        List<Secret> secrets,
        List<AuthPolicyObject> authPolicies,
        List<RateLimitPolicyObject> rateLimitPolicies,
        List<ConfigMap> configMaps,
        List<BackendTlsPolicyObject> backendTlsPolicies,
        List<ModelServer> modelServers,
        List<ModelRoute> modelRoutes,
        List<ExternalProviderObject> externalProviders) {

    private static final Comparator<KubeObject> BY_PATH = Comparator.comparing(
                    (KubeObject o) -> o.meta().namespace())
            .thenComparing(o -> o.meta().name());

    public ClusterState {
        gatewayClasses = sorted(gatewayClasses);
        gateways = sorted(gateways);
        httpRoutes = sorted(httpRoutes);
        referenceGrants = sorted(referenceGrants);
        namespaces = sorted(namespaces);
        services = sorted(services);
        endpointSlices = sorted(endpointSlices);
        pods = sorted(pods);
        inferencePools = sorted(inferencePools);
        inferenceObjectives = sorted(inferenceObjectives);
        inferenceModelRewrites = sorted(inferenceModelRewrites);
        secrets = sorted(secrets);
        authPolicies = authPolicies == null ? List.of() : sorted(authPolicies);
        rateLimitPolicies = rateLimitPolicies == null ? List.of() : sorted(rateLimitPolicies);
        configMaps = configMaps == null ? List.of() : sorted(configMaps);
        backendTlsPolicies = backendTlsPolicies == null ? List.of() : sorted(backendTlsPolicies);
        modelServers = modelServers == null ? List.of() : sorted(modelServers);
        modelRoutes = modelRoutes == null ? List.of() : sorted(modelRoutes);
        externalProviders = externalProviders == null ? List.of() : sorted(externalProviders);
    }

    /** No objects at all. */
    public static ClusterState empty() {
        return of(List.of());
    }

    /** Sorts objects into their kinds. Callers have already removed duplicates. */
    public static ClusterState of(List<? extends KubeObject> objects) {
        var classes = new ArrayList<GatewayClass>();
        var gateways = new ArrayList<GatewayObject>();
        var routes = new ArrayList<HttpRouteObject>();
        var grants = new ArrayList<ReferenceGrant>();
        var namespaces = new ArrayList<Namespace>();
        var services = new ArrayList<Service>();
        var slices = new ArrayList<EndpointSlice>();
        var pods = new ArrayList<Pod>();
        var pools = new ArrayList<InferencePool>();
        var objectives = new ArrayList<InferenceObjective>();
        var rewrites = new ArrayList<InferenceModelRewrite>();
        var secrets = new ArrayList<Secret>();
        var policies = new ArrayList<AuthPolicyObject>();
        var limits = new ArrayList<RateLimitPolicyObject>();
        var configMaps = new ArrayList<ConfigMap>();
        var tlsPolicies = new ArrayList<BackendTlsPolicyObject>();
        var modelServers = new ArrayList<ModelServer>();
        var modelRoutes = new ArrayList<ModelRoute>();
        var providers = new ArrayList<ExternalProviderObject>();
        for (KubeObject o : objects) {
            switch (o) {
                case GatewayClass c -> classes.add(c);
                case GatewayObject g -> gateways.add(g);
                case HttpRouteObject r -> routes.add(r);
                case ReferenceGrant g -> grants.add(g);
                case Namespace n -> namespaces.add(n);
                case Service s -> services.add(s);
                case EndpointSlice s -> slices.add(s);
                case Pod p -> pods.add(p);
                case InferencePool p -> pools.add(p);
                case InferenceObjective i -> objectives.add(i);
                case InferenceModelRewrite r -> rewrites.add(r);
                case Secret s -> secrets.add(s);
                case AuthPolicyObject p -> policies.add(p);
                case RateLimitPolicyObject p -> limits.add(p);
                case ConfigMap c -> configMaps.add(c);
                case BackendTlsPolicyObject p -> tlsPolicies.add(p);
                case ModelServer m -> modelServers.add(m);
                case ModelRoute m -> modelRoutes.add(m);
                case ExternalProviderObject x -> providers.add(x);
            }
        }
        return new ClusterState(
                classes,
                gateways,
                routes,
                grants,
                namespaces,
                services,
                slices,
                pods,
                pools,
                objectives,
                rewrites,
                secrets,
                policies,
                limits,
                configMaps,
                tlsPolicies,
                modelServers,
                modelRoutes,
                providers);
    }

    /** Every object, kind by kind. */
    public List<KubeObject> all() {
        var all = new ArrayList<KubeObject>();
        all.addAll(gatewayClasses);
        all.addAll(gateways);
        all.addAll(httpRoutes);
        all.addAll(referenceGrants);
        all.addAll(namespaces);
        all.addAll(services);
        all.addAll(endpointSlices);
        all.addAll(pods);
        all.addAll(inferencePools);
        all.addAll(inferenceObjectives);
        all.addAll(inferenceModelRewrites);
        all.addAll(secrets);
        all.addAll(authPolicies);
        all.addAll(rateLimitPolicies);
        all.addAll(configMaps);
        all.addAll(backendTlsPolicies);
        all.addAll(modelServers);
        all.addAll(modelRoutes);
        all.addAll(externalProviders);
        return all;
    }

    private static <T extends KubeObject> List<T> sorted(List<T> list) {
        return list.stream().sorted(BY_PATH).toList();
    }
}
