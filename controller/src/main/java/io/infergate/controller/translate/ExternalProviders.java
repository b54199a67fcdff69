package io.infergate.controller.translate;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.ExternalChecks;
import io.infergate.common.tls.KeyMaterial;
import io.infergate.controller.model.ClusterState;
import io.infergate.controller.model.ConfigMap;
import io.infergate.controller.model.ExternalProviderObject;
import io.infergate.controller.model.Secret;
import io.infergate.controller.status.Condition;
import io.infergate.controller.status.ObjectKey;
import io.infergate.controller.status.ObjectStatus;
import io.infergate.controller.status.StatusPlan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ExternalProviders judged once per translation (docs/adr/0033-external-providers.md): each either
 * becomes a snapshot backend {@code externalprovider/<ns>/<name>} or carries the precise reason it
 * cannot, in its own status and in the ResolvedRefs of every route that names it.
 *
 * <p>Conditions: {@code Accepted} is False with {@code InvalidURL} when {@code baseUrl} is not an
 * {@code https} URL with a host and without user info, query or fragment. {@code ResolvedRefs} is
 * False with {@code SecretNotFound} (no Secret of that name, or not of type
 * {@code infergate.io/provider-key}: other Secrets are never read), {@code SecretKeyNotFound} (no
 * such entry, or an empty one, or one with control characters), {@code CACertificateNotFound} (a
 * ConfigMap is missing or has no {@code ca.crt}) or {@code InvalidCACertificate} ({@code ca.crt}
 * does not parse). Messages name objects and entries, never a key's value.
 */
final class ExternalProviders {

    /** One provider's verdict: the backend, or why there is none. */
    sealed interface Verdict {
        record Served(Backend.External backend) implements Verdict {}

        record Refused(String reason, String message) implements Verdict {}
    }

    private final Map<String, Verdict> byPath = new HashMap<>();
    private final List<StatusPlan.Entry> statuses = new ArrayList<>();

    ExternalProviders(ClusterState state, Index index) {
        Map<String, ConfigMap> configMaps = new HashMap<>();
        state.configMaps().forEach(c -> configMaps.put(c.meta().path(), c));
        for (ExternalProviderObject p : state.externalProviders()) {
            long gen = p.meta().generation();
            List<Condition> conditions = new ArrayList<>();
            String url = urlProblem(p.baseUrl());
            Verdict verdict;
            if (url != null) {
                verdict = new Verdict.Refused("InvalidURL", "spec.baseUrl " + url);
                conditions.add(Condition.isFalse("Accepted", "InvalidURL", "spec.baseUrl " + url, gen));
            } else {
                conditions.add(Condition.isTrue("Accepted", "Accepted", "spec.baseUrl is an https URL", gen));
                verdict = resolve(p, index, configMaps);
            }
            switch (verdict) {
                case Verdict.Served s ->
                    conditions.add(Condition.isTrue(
                            "ResolvedRefs",
                            "ResolvedRefs",
                            "the key of Secret " + p.apiKeySecret() + " and "
                                    + (p.caCertificateRefs().isEmpty()
                                            ? "the system's trusted roots"
                                            : p.caCertificateRefs().size() + " CA ConfigMap(s)")
                                    + " are in use",
                            gen));
                case Verdict.Refused r
                when url == null -> conditions.add(Condition.isFalse("ResolvedRefs", r.reason(), r.message(), gen));
                case Verdict.Refused r -> {} // not accepted: references are not looked at
            }
            byPath.put(p.meta().path(), verdict);
            statuses.add(new StatusPlan.Entry(
                    new ObjectKey(
                            AuthPolicies.API_VERSION,
                            "ExternalProvider",
                            p.meta().namespace(),
                            p.meta().name()),
                    new ObjectStatus.ModelRewriteStatus(conditions)));
        }
    }

    /** The verdict on {@code namespace/name}; empty when no such ExternalProvider exists. */
    Optional<Verdict> verdict(String namespace, String name) {
        return Optional.ofNullable(byPath.get(namespace + "/" + name));
    }

    /** The status of every ExternalProvider. */
    List<StatusPlan.Entry> statuses() {
        return List.copyOf(statuses);
    }

    private static Verdict resolve(ExternalProviderObject p, Index index, Map<String, ConfigMap> configMaps) {
        String ns = p.meta().namespace();
        Optional<Secret> secret =
                index.secret(ns, p.apiKeySecret()).filter(s -> s.type().equals(Secret.PROVIDER_KEY));
        if (secret.isEmpty()) {
            return new Verdict.Refused(
                    "SecretNotFound",
                    "Secret " + ns + "/" + p.apiKeySecret() + " of type " + Secret.PROVIDER_KEY + " does not exist");
        }
        String key = secret.get().providerKeys().get(p.apiKeySecretKey());
        if (key == null || key.isEmpty() || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return new Verdict.Refused(
                    "SecretKeyNotFound",
                    "Secret " + ns + "/" + p.apiKeySecret() + " has no usable entry '" + p.apiKeySecretKey()
                            + "' (missing, empty, or with control characters)");
        }
        List<String> cas = new ArrayList<>();
        for (String name : p.caCertificateRefs()) {
            ConfigMap cm = configMaps.get(ns + "/" + name);
            if (cm == null || cm.caCertificate().isEmpty()) {
                return new Verdict.Refused(
                        "CACertificateNotFound",
                        "ConfigMap " + ns + "/" + name + " does not exist or has no " + ConfigMap.CA_CERTIFICATE);
            }
            try {
                KeyMaterial.certificates(cm.caCertificate().get());
            } catch (KeyMaterial.Invalid e) {
                return new Verdict.Refused(
                        "InvalidCACertificate",
                        ConfigMap.CA_CERTIFICATE + " of ConfigMap " + ns + "/" + name + ": " + e.getMessage());
            }
            cas.add(cm.caCertificate().get());
        }
        return new Verdict.Served(new Backend.External(
                Backend.External.idOf(ns, p.meta().name()), ns, p.meta().name(), p.baseUrl(), cas, key));
    }

    /** The snapshot validator's rule for base URLs, as a condition message; null when usable. */
    static String urlProblem(String url) {
        return ExternalChecks.urlProblem(url);
    }
}
