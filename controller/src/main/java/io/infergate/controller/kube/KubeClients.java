package io.infergate.controller.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The two API clients the controller uses: one for requests (bounded read timeout) and one for
 * watches, whose read timeout must be zero (a watch may be silent for minutes; the server ends
 * it after its own timeout). Both come from a kubeconfig file or, without one, from the pod's
 * service account (in-cluster), whose token file the client re-reads as it rotates.
 *
 * @param requests for gets, writes, discovery and the Lease
 * @param watches  for list+watch in informers
 */
public record KubeClients(ApiClient requests, ApiClient watches) {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Builds the request and watch clients for one cluster.
     *
     * @param kubeconfig a kubeconfig file; empty for in-cluster configuration
     * @throws IOException when the configuration cannot be read
     */
    public static KubeClients create(Optional<Path> kubeconfig) throws IOException {
        ApiClient requests = builder(kubeconfig).setReadTimeout(REQUEST_TIMEOUT).build();
        ApiClient watches = builder(kubeconfig).setReadTimeout(Duration.ZERO).build();
        return new KubeClients(requests, watches);
    }

    /** Where the clients talk to, for log lines. */
    public String server() {
        return requests.getBasePath();
    }

    private static ClientBuilder builder(Optional<Path> kubeconfig) throws IOException {
        if (kubeconfig.isEmpty()) {
            try {
                return ClientBuilder.cluster();
            } catch (RuntimeException e) {
                // Outside a pod the client fails on the missing KUBERNETES_SERVICE_HOST/PORT.
                throw new IOException(
                        "no in-cluster configuration (not running in a pod?): " + e + "; pass --kubeconfig FILE", e);
            }
        }
        Path file = kubeconfig.get();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            KubeConfig config = KubeConfig.loadKubeConfig(reader);
            config.setFile(file.toAbsolutePath().toFile());
            return ClientBuilder.kubeconfig(config);
        }
    }
}
