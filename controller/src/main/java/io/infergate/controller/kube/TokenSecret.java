package io.infergate.controller.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The Secret holding the routers' snapshot API token (key {@code token}). The leader creates it,
 * with 32 random bytes written as 64 hex characters, when it does not exist; an existing Secret
 * is never changed (rotation is the operator's: update the Secret, the controller re-reads it at
 * once and routers re-read their mounted file).
 */
public final class TokenSecret {

    private static final Logger LOG = Logger.getLogger(TokenSecret.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CoreV1Api api;
    private final String namespace;
    private final String name;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile boolean warned;

    public TokenSecret(ApiClient client, String namespace, String name) {
        this.api = new CoreV1Api(client);
        this.namespace = namespace;
        this.name = name;
    }

    /**
     * Creates the Secret (in the background) when it does not exist; warns once when it exists
     * without a usable token. Never blocks.
     */
    public void ensure(boolean exists, boolean hasToken) {
        if (exists) {
            if (!hasToken && !warned) {
                warned = true;
                LOG.warning("Secret " + namespace + "/" + name + " has no usable data.token: no router can be pushed to"
                        + " until it has one (delete the Secret to have a new token generated)");
            }
            if (hasToken) {
                warned = false;
            }
            return;
        }
        if (!busy.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("token-secret").start(() -> {
            try {
                create();
            } finally {
                busy.set(false);
            }
        });
    }

    private void create() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        V1Secret secret = new V1Secret()
                .metadata(new V1ObjectMeta()
                        .name(name)
                        .namespace(namespace)
                        .labels(Map.of("app.kubernetes.io/managed-by", "infergate-controller")))
                .type("Opaque")
                .data(Map.of("token", HexFormat.of().formatHex(raw).getBytes(StandardCharsets.US_ASCII)));
        try {
            api.createNamespacedSecret(namespace, secret).execute();
            LOG.info(() -> "created Secret " + namespace + "/" + name + " with a new snapshot API token");
        } catch (ApiException e) {
            if (e.getCode() == 409) {
                return; // another controller created it first; the informer will show it
            }
            LOG.warning(() -> "creating Secret " + namespace + "/" + name + " failed: HTTP " + e.getCode() + " "
                    + e.getResponseBody());
        }
    }
}
