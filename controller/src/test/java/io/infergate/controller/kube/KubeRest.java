package io.infergate.controller.kube;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Test-side REST access to the API server: server-side apply of YAML, status patches, reads and
 * deletes, with the admin token. Deliberately not the controller's client, so that what the
 * controller wrote is read back by other means.
 */
public final class KubeRest {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    private static final String MANAGER = "infergate-it";

    private final URI server;
    private final String token;
    private final HttpClient http;

    KubeRest(URI server, String token, SSLContext tls) {
        this.server = server;
        this.token = token;
        this.http = HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * Access to a running cluster's API server (a real cluster's, e.g. the test cluster of
     * .ci/cluster): its URL, a bearer token, and the PEM file of the CA its serving certificate is
     * signed by.
     */
    public static KubeRest connect(URI server, String token, Path caPem) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (var in = Files.newInputStream(caPem)) {
                int i = 0;
                for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + i++, (X509Certificate) cert);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            return new KubeRest(server, token, tls);
        } catch (GeneralSecurityException e) {
            throw new IOException("CA " + caPem + ": " + e.getMessage(), e);
        }
    }

    /** Where a kind lives: its collection path (with {@code %s} for the namespace when namespaced). */
    private record Kind(String collection, boolean namespaced) {}

    private static Kind kind(String apiVersion, String kind) {
        String base = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
        return switch (kind) {
            case "Namespace" -> new Kind(base + "/namespaces", false);
            case "CustomResourceDefinition" -> new Kind(base + "/customresourcedefinitions", false);
            case "GatewayClass" -> new Kind(base + "/gatewayclasses", false);
            case "Deployment", "Role", "RoleBinding" -> new Kind(base + "/namespaces/%s/" + plural(kind), true);
            case "Pod",
                    "Service",
                    "Secret",
                    "ConfigMap",
                    "EndpointSlice",
                    "Lease",
                    "Gateway",
                    "HTTPRoute",
                    "ReferenceGrant",
                    "InferencePool",
                    "InferenceObjective",
                    "InferenceModelRewrite",
                    "ModelServer",
                    "ModelRoute",
                    "ExternalProvider",
                    "Event" -> new Kind(base + "/namespaces/%s/" + plural(kind), true);
            default -> throw new IllegalArgumentException("KubeRest does not know kind " + kind);
        };
    }

    private static String plural(String kind) {
        return switch (kind) {
            case "Pod" -> "pods";
            case "Service" -> "services";
            case "Secret" -> "secrets";
            case "ConfigMap" -> "configmaps";
            case "EndpointSlice" -> "endpointslices";
            case "Lease" -> "leases";
            case "Gateway" -> "gateways";
            case "HTTPRoute" -> "httproutes";
            case "ReferenceGrant" -> "referencegrants";
            case "InferencePool" -> "inferencepools";
            case "InferenceObjective" -> "inferenceobjectives";
            case "InferenceModelRewrite" -> "inferencemodelrewrites";
            case "ModelServer" -> "modelservers";
            case "ModelRoute" -> "modelroutes";
            case "ExternalProvider" -> "externalproviders";
            case "Event" -> "events";
            case "Deployment" -> "deployments";
            case "Role" -> "roles";
            case "RoleBinding" -> "rolebindings";
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static String path(String apiVersion, String kind, String namespace, String name) {
        Kind k = kind(apiVersion, kind);
        return (k.namespaced() ? k.collection().formatted(namespace) : k.collection()) + "/" + name;
    }

    /** Server-side applies every document; returns their names. */
    @SuppressWarnings("unchecked")
    public List<String> apply(String yaml) throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (!(doc instanceof Map<?, ?>)) {
                continue;
            }
            Map<String, Object> o = (Map<String, Object>) doc;
            Map<String, Object> meta = (Map<String, Object>) o.get("metadata");
            String name = (String) meta.get("name");
            String namespace = (String) meta.getOrDefault("namespace", "default");
            String path = path((String) o.get("apiVersion"), (String) o.get("kind"), namespace, name) + "?fieldManager="
                    + MANAGER + "&force=true";
            send("PATCH", path, "application/apply-patch+yaml", GSON.toJson(o), 200, 201);
            names.add(name);
        }
        return names;
    }

    /** A JSON merge patch of an object's status subresource. */
    public void patchStatus(String apiVersion, String kind, String namespace, String name, String mergePatch)
            throws IOException, InterruptedException {
        send(
                "PATCH",
                path(apiVersion, kind, namespace, name) + "/status",
                "application/merge-patch+json",
                mergePatch,
                200);
    }

    /** Replaces an object's status (PUT), as another controller would; the body carries the resourceVersion. */
    public void replaceStatus(String apiVersion, String kind, String namespace, String name, Map<String, Object> object)
            throws IOException, InterruptedException {
        send("PUT", path(apiVersion, kind, namespace, name) + "/status", "application/json", GSON.toJson(object), 200);
    }

    /** An object as a tree ({@link Trees}), or empty when it does not exist. */
    @SuppressWarnings("unchecked")
    public Optional<Map<String, Object>> get(String apiVersion, String kind, String namespace, String name)
            throws IOException, InterruptedException {
        HttpResponse<String> r = request("GET", path(apiVersion, kind, namespace, name), null, null);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        check(r, 200);
        return Optional.of((Map<String, Object>) Trees.parse(r.body()));
    }

    /** Deletes an object; a missing one is fine. */
    public void delete(String apiVersion, String kind, String namespace, String name)
            throws IOException, InterruptedException {
        HttpResponse<String> r = request("DELETE", path(apiVersion, kind, namespace, name), null, null);
        if (r.statusCode() != 404) {
            check(r, 200, 202);
        }
    }

    /** GET of any path; the status code and body. */
    public HttpResponse<String> raw(String path) throws IOException, InterruptedException {
        return request("GET", path, null, null);
    }

    boolean ready() throws IOException, InterruptedException {
        return request("GET", "/readyz", null, null).statusCode() == 200;
    }

    void awaitEstablished(String crd, Duration timeout) {
        org.awaitility.Awaitility.await("CRD " + crd + " established")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> established(crd));
    }

    @SuppressWarnings("unchecked")
    private boolean established(String crd) throws IOException, InterruptedException {
        Optional<Map<String, Object>> o = get("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", crd);
        // a CRD just created may have no status, or a status with "conditions": null, yet
        Map<String, Object> status =
                o.map(x -> (Map<String, Object>) x.get("status")).orElse(null);
        List<Map<String, Object>> conditions =
                status == null ? null : (List<Map<String, Object>>) status.get("conditions");
        return conditions != null
                && conditions.stream()
                        .anyMatch(c -> "Established".equals(c.get("type")) && "True".equals(c.get("status")));
    }

    private void send(String method, String path, String contentType, String body, int... ok)
            throws IOException, InterruptedException {
        check(request(method, path, contentType, body), ok);
    }

    private HttpResponse<String> request(String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.resolve(path))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void check(HttpResponse<String> r, int... ok) {
        for (int code : ok) {
            if (r.statusCode() == code) {
                return;
            }
        }
        throw new IllegalStateException(
                r.request().method() + " " + r.request().uri() + ": HTTP " + r.statusCode() + " " + r.body());
    }
}
