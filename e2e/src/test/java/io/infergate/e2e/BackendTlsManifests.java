package io.infergate.e2e;

import io.infergate.common.tls.Issuer;

/**
 * The objects of {@link BackendTlsSteps}, as one multi-document manifest: the TLS simulator
 * (Deployment, certificate Secret, Service with a named port), the CA ConfigMaps, an
 * InferencePool and a route for each target, and the two BackendTLSPolicies.
 */
final class BackendTlsManifests {
    private BackendTlsManifests() {}

    /** A PEM block as a YAML literal scalar's lines, indented by {@code indent} spaces. */
    private static String block(String pem, int indent) {
        String pad = " ".repeat(indent);
        StringBuilder out = new StringBuilder();
        for (String line : pem.strip().split("\n")) {
            out.append(pad).append(line.strip()).append('\n');
        }
        return out.toString();
    }

    static String objects(Issuer.Issued ca, Issuer.Issued other, Issuer.Issued leaf, String hostname, String header) {
        return """
                apiVersion: v1
                kind: Secret
                metadata: {name: tls-sim-cert, namespace: default}
                type: kubernetes.io/tls
                stringData:
                  tls.crt: |
                %s  tls.key: |
                %s---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: tls-sim-ca, namespace: default}
                data:
                  ca.crt: |
                %s---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: tls-other-ca, namespace: default}
                data:
                  ca.crt: |
                %s---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: tls-sim, namespace: default}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: tls-sim}}
                  template:
                    metadata: {labels: {app: tls-sim}}
                    spec:
                      automountServiceAccountToken: false
                      enableServiceLinks: false
                      terminationGracePeriodSeconds: 5
                      securityContext: {runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532}
                      containers:
                      - name: simulator
                        image: ghcr.io/infergate/infergate-simulator:0.1.0
                        imagePullPolicy: IfNotPresent
                        args: [--host=0.0.0.0, --port=8443, --model=Qwen2.5-0.5B-Instruct,
                               --pod-name-prefix=$(POD_NAME), --ssl-certfile=/certs/tls.crt, --ssl-keyfile=/certs/tls.key]
                        env:
                        - name: POD_NAME
                          valueFrom: {fieldRef: {fieldPath: metadata.name}}
                        ports: [{name: https, containerPort: 8443}]
                        readinessProbe:
                          httpGet: {path: /ready, port: https, scheme: HTTPS}
                          periodSeconds: 1
                        resources:
                          requests: {cpu: 20m, memory: 192Mi}
                          limits: {cpu: 500m, memory: 384Mi}
                        volumeMounts:
                        - {name: certs, mountPath: /certs, readOnly: true}
                        - {name: tmp, mountPath: /tmp}
                      volumes:
                      - name: certs
                        secret: {secretName: tls-sim-cert}
                      - name: tmp
                        emptyDir: {sizeLimit: 16Mi}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: tls-sim, namespace: default}
                spec:
                  selector: {app: tls-sim}
                  ports: [{name: https, port: 443, targetPort: https}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: tls-pool, namespace: default}
                spec:
                  targetPorts: [{number: 8443}]
                  selector: {matchLabels: {app: tls-sim}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: tls-route, namespace: default}
                spec:
                  parentRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: inference-gateway}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /}, headers: [{name: %5$s, value: pool}]}]
                    backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: tls-pool}]
                  - matches: [{path: {type: PathPrefix, value: /}, headers: [{name: %5$s, value: service}]}]
                    backendRefs: [{name: tls-sim, port: 443}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: BackendTLSPolicy
                metadata: {name: tls-pool-policy, namespace: default}
                spec:
                  targetRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: tls-pool}]
                  validation:
                    caCertificateRefs: [{group: "", kind: ConfigMap, name: tls-sim-ca}]
                    hostname: %6$s
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: BackendTLSPolicy
                metadata: {name: tls-service-policy, namespace: default}
                spec:
                  targetRefs: [{group: "", kind: Service, name: tls-sim, sectionName: https}]
                  validation:
                    caCertificateRefs: [{group: "", kind: ConfigMap, name: tls-sim-ca}]
                    hostname: %6$s
                """.formatted(
                        block(leaf.certificatePem(), 4),
                        block(leaf.privateKeyPem(), 4),
                        block(ca.certificatePem(), 4),
                        block(other.certificatePem(), 4),
                        header,
                        hostname);
    }
}
