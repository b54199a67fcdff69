package io.infergate.controller.model;

import java.util.List;
import java.util.Optional;

/**
 * A BackendTLSPolicy ({@code gateway.networking.k8s.io/v1}): how Gateways speak TLS to the
 * Services (and, here, InferencePools) it targets in its namespace.
 *
 * @param targetRefs      {@code spec.targetRefs}
 * @param caCertificates  {@code spec.validation.caCertificateRefs}
 * @param wellKnown       {@code spec.validation.wellKnownCACertificates}, empty when unset or {@code ""}
 * @param hostname        {@code spec.validation.hostname}
 * @param subjectAltNames {@code spec.validation.subjectAltNames}
 */
public record BackendTlsPolicyObject(
        ObjectMeta meta,
        List<TargetRef> targetRefs,
        List<CaRef> caCertificates,
        Optional<String> wellKnown,
        String hostname,
        List<SubjectAltName> subjectAltNames)
        implements KubeObject {
    public BackendTlsPolicyObject {
        targetRefs = List.copyOf(targetRefs);
        caCertificates = List.copyOf(caCertificates);
        subjectAltNames = List.copyOf(subjectAltNames);
    }

    /** A {@code LocalPolicyTargetReferenceWithSectionName}: for a Service, the section is a port name. */
    public record TargetRef(String group, String kind, String name, Optional<String> sectionName) {}

    /** A {@code LocalObjectReference} to a CA bundle (core: a ConfigMap with {@code ca.crt}). */
    public record CaRef(String group, String kind, String name) {}

    /**
     * One {@code subjectAltNames[]} entry.
     *
     * @param type  {@code Hostname} or {@code URI}
     * @param value the hostname or the URI, whichever the type names
     */
    public record SubjectAltName(String type, String value) {}
}
