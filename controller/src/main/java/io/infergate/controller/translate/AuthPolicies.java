package io.infergate.controller.translate;

import io.infergate.common.snapshot.AuthPolicy;
import io.infergate.common.snapshot.AuthPolicyChecks;
import io.infergate.common.snapshot.Gateway;
import io.infergate.common.snapshot.HttpRoute;
import io.infergate.common.snapshot.ListenerRef;
import io.infergate.controller.model.AuthPolicyObject;
import io.infergate.controller.model.Secret;
import io.infergate.controller.status.Condition;
import io.infergate.controller.status.ObjectKey;
import io.infergate.controller.status.ObjectStatus;
import io.infergate.controller.status.ParentRef;
import io.infergate.controller.status.StatusPlan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * AuthPolicies → the snapshot's {@link AuthPolicy} list and each policy's status
 * (docs/adr/0024-authentication-policy.md). Pure.
 *
 * <p>Rules: a target is a Gateway ({@code gateway.networking.k8s.io}) of ours that is served, or
 * an HTTPRoute that is served, in the policy's namespace; the status has one {@code ancestors[]}
 * entry per Gateway concerned (the target Gateway, or the Gateways of the target route; the
 * target reference itself when it resolves to nothing, with {@code Accepted=False TargetNotFound}).
 * Two policies on one target: the older (creation time, then namespace/name) keeps it, the other
 * gets {@code Accepted=False Conflicted} for it. A spec problem (JWKS URL, blank issuer, a claim
 * header that is reserved or not a header name) gives {@code Accepted=False Invalid} and the JWT
 * part is left out; a Secret that is missing or not of type {@code infergate.io/api-keys} gives
 * {@code ResolvedRefs=False} ({@code SecretNotFound} / {@code InvalidSecret}) and its keys are
 * left out. Either way the policy keeps protecting its targets with what did resolve, so a broken
 * policy refuses requests instead of opening the route (fail closed).
 */
final class AuthPolicies {
    static final String API_VERSION = "infergate.io/v1alpha1";
    private static final String GATEWAY_GROUP = "gateway.networking.k8s.io";
    private static final Pattern HEADER = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final int MAX_ANCESTORS = 16;

    private AuthPolicies() {}

    /** The translated policies and their statuses. */
    record Outcome(List<AuthPolicy> policies, List<StatusPlan.Entry> statuses) {}

    static Outcome translate(
            List<AuthPolicyObject> objects,
            List<Secret> secrets,
            List<Gateway> gateways,
            List<HttpRoute> routes,
            String controllerName) {
        PolicyAttachment attachment = new PolicyAttachment(gateways, routes, "protected");
        Map<String, Secret> secretsByPath = new HashMap<>();
        secrets.forEach(s -> secretsByPath.put(s.meta().path(), s));

        List<AuthPolicyObject> ordered = new ArrayList<>(objects);
        ordered.sort(Comparator.comparing((AuthPolicyObject p) -> p.meta().creationTimestamp())
                .thenComparing(p -> p.meta().path()));
        List<AuthPolicy> out = new ArrayList<>();
        List<StatusPlan.Entry> statuses = new ArrayList<>();
        for (AuthPolicyObject p : ordered) {
            String ns = p.meta().namespace();
            long gen = p.meta().generation();
            String id = AuthPolicy.idOf(ns, p.meta().name());
            Map<String, Condition> ancestors = new LinkedHashMap<>(); // ancestor scope → Accepted
            Map<String, ParentRef> refs = new LinkedHashMap<>();
            List<String> targets = new ArrayList<>();
            Optional<String> invalid = invalid(p);
            targets.addAll(attachment.attach(p.targetRefs(), ns, gen, id, invalid, refs, ancestors));
            List<AuthPolicy.ApiKey> keys = new ArrayList<>();
            List<String> secretProblems = new ArrayList<>();
            String secretReason = "SecretNotFound";
            for (String name : p.apiKeySecrets()) {
                Secret s = secretsByPath.get(ns + "/" + name);
                if (s == null) {
                    secretProblems.add("Secret " + ns + "/" + name + " does not exist");
                } else if (!s.type().equals(Secret.API_KEYS)) {
                    secretReason = secretProblems.isEmpty() ? "InvalidSecret" : secretReason;
                    secretProblems.add(
                            "Secret " + ns + "/" + name + " is of type " + s.type() + ", not " + Secret.API_KEYS);
                } else if (s.apiKeyHashes().isEmpty()) {
                    secretReason = secretProblems.isEmpty() ? "InvalidSecret" : secretReason;
                    secretProblems.add("Secret " + ns + "/" + name + " holds no API key");
                } else {
                    // sorted by tenant: Map.copyOf's order changes between JVM runs, and the snapshot id must not
                    new java.util.TreeMap<>(s.apiKeyHashes()).forEach((tenant, hash) -> {
                        if (keys.stream().noneMatch(k -> k.sha256().equals(hash))) {
                            keys.add(new AuthPolicy.ApiKey(hash, tenant));
                        }
                    });
                }
            }
            Condition resolved = secretProblems.isEmpty()
                    ? Condition.isTrue("ResolvedRefs", "ResolvedRefs", "all references resolved", gen)
                    : Condition.isFalse("ResolvedRefs", secretReason, String.join("; ", secretProblems), gen);
            if (!targets.isEmpty()) {
                out.add(new AuthPolicy(
                        id,
                        targets,
                        keys,
                        invalid.isPresent()
                                ? Optional.empty()
                                : p.jwt()
                                        .map(j -> new AuthPolicy.Jwt(
                                                j.issuer(),
                                                j.audiences(),
                                                j.jwksUri(),
                                                j.tenantClaim(),
                                                j.claimToHeaders().stream()
                                                        .map(c -> new AuthPolicy.ClaimHeader(c.claim(), c.header()))
                                                        .toList()))));
            }
            List<ObjectStatus.ParentStatus> entries = new ArrayList<>();
            ancestors.forEach((scope, accepted) -> {
                if (entries.size() < MAX_ANCESTORS) {
                    entries.add(new ObjectStatus.ParentStatus(
                            refs.get(scope), controllerName, List.of(accepted, resolved)));
                }
            });
            statuses.add(new StatusPlan.Entry(
                    new ObjectKey(API_VERSION, "AuthPolicy", ns, p.meta().name()),
                    new ObjectStatus.PolicyStatus(entries)));
        }
        out.sort(Comparator.comparing(AuthPolicy::id));
        return new Outcome(out, statuses);
    }

    static void put(Map<String, ParentRef> refs, Map<String, Condition> ancestors, ParentRef ref, Condition accepted) {
        refs.putIfAbsent(ref.scope(), ref);
        // a False verdict for one target wins over True for another on the same Gateway
        ancestors.merge(
                ref.scope(),
                accepted,
                (a, b) -> a.status() == b.status() || b.status().name().equals("TRUE") ? a : b);
    }

    /** The snapshot id of a target, if it is served. */
    static Optional<String> target(
            AuthPolicyObject.TargetRef t, String ns, Set<String> gateways, Map<String, HttpRoute> routes) {
        if (!t.group().equals(GATEWAY_GROUP)) {
            return Optional.empty();
        }
        return switch (t.kind()) {
            case "Gateway" -> Optional.of(Gateway.idOf(ns, t.name())).filter(gateways::contains);
            case "HTTPRoute" -> Optional.of(HttpRoute.idOf(ns, t.name())).filter(routes::containsKey);
            default -> Optional.empty();
        };
    }

    /** The Gateways a target concerns: itself, or the Gateways a route is attached to. */
    static Set<String> ancestorsOf(String target, Map<String, HttpRoute> routes) {
        HttpRoute r = routes.get(target);
        if (r == null) {
            return Set.of(target);
        }
        Set<String> out = new LinkedHashSet<>();
        for (ListenerRef l : r.parents()) {
            out.add(l.gateway());
        }
        return out;
    }

    /** What makes the spec unusable, checked as the router would (the same rules as the snapshot validator). */
    private static Optional<String> invalid(AuthPolicyObject p) {
        if (p.jwt().isEmpty()) {
            return p.apiKeySecrets().isEmpty()
                    ? Optional.of("the policy names neither API key Secrets nor a JWT provider")
                    : Optional.empty();
        }
        AuthPolicyObject.Jwt j = p.jwt().get();
        Optional<String> uri = AuthPolicyChecks.jwksUri(j.jwksUri());
        if (uri.isPresent()) {
            return Optional.of("spec.jwt.jwksUri " + uri.get() + ": '" + j.jwksUri() + "'");
        }
        if (j.issuer().isBlank()) {
            return Optional.of("spec.jwt.issuer must not be blank");
        }
        if (j.tenantClaim().isBlank()) {
            return Optional.of("spec.jwt.tenantClaim must not be blank");
        }
        for (AuthPolicyObject.ClaimToHeader c : j.claimToHeaders()) {
            if (c.claim().isBlank() || !HEADER.matcher(c.header()).matches()) {
                return Optional.of("spec.jwt.claimToHeaders: '" + c.header() + "' is not a header name");
            }
            if (AuthPolicyChecks.RESERVED_HEADERS.contains(c.header().toLowerCase(java.util.Locale.ROOT))) {
                return Optional.of("spec.jwt.claimToHeaders: '" + c.header() + "' is reserved");
            }
        }
        return Optional.empty();
    }
}
