package io.infergate.controller.model;

import java.util.List;

/**
 * An ExternalProvider ({@code infergate.io/v1alpha1}): an OpenAI-compatible upstream outside the
 * cluster that HTTPRoute and ModelRoute backendRefs can name (docs/adr/0033-external-providers.md).
 *
 * @param baseUrl           {@code spec.baseUrl}, e.g. {@code https://api.openai.com/v1}
 * @param apiKeySecret      {@code spec.apiKeySecretRef.name}: a Secret of type
 *                          {@code infergate.io/provider-key} in the provider's namespace
 * @param apiKeySecretKey   {@code spec.apiKeySecretRef.key}, default {@code apiKey}
 * @param caCertificateRefs {@code spec.caCertificateRefs[].name}: ConfigMaps (their {@code ca.crt})
 *                          in the provider's namespace; none: the JDK's trusted roots
 */
public record ExternalProviderObject(
        ObjectMeta meta, String baseUrl, String apiKeySecret, String apiKeySecretKey, List<String> caCertificateRefs)
        implements KubeObject {
    public ExternalProviderObject {
        caCertificateRefs = List.copyOf(caCertificateRefs);
    }
}
