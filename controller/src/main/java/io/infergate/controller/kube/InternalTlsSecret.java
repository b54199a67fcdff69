package io.infergate.controller.kube;

import io.infergate.controller.internalca.InternalCa;
import io.infergate.controller.internalca.RouterTrust;
import io.infergate.controller.lifecycle.BackgroundThreads;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * The Secret holding the controller's internal CA and the routers' serving certificate
 * (docs/adr/0035-internal-api-tls.md), kept as {@link InternalCa} decides, and the trust the
 * publisher verifies routers with.
 *
 * <p>Rules: one loop on a virtual thread reads the Secret by name ({@code get}, no list or
 * watch) every {@code period} and whenever {@link #signal} is called (leadership changed). Every
 * controller trusts the bundle the Secret holds; only the leader creates the Secret when absent
 * and replaces its data when a certificate is due for renewal (with the resourceVersion read, so a
 * concurrent writer makes it 409 and the next pass starts over). The key material is never logged.
 */
public final class InternalTlsSecret implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(InternalTlsSecret.class.getName());

    private final CoreV1Api api;
    private final String namespace;
    private final String name;
    private final RouterTrust trust;
    private final InternalCa.Policy policy;
    private final BooleanSupplier leader;
    private final Runnable trustChanged;
    private final Clock clock;
    private final Duration period;
    private final Signal wake = new Signal();
    private volatile Thread loop;
    private volatile String lastProblem = "";

    /**
     * @param trust        updated with the Secret's bundle
     * @param leader       whether this controller may write
     * @param trustChanged called after the trusted bundle changed (e.g. to start pushing)
     */
    public InternalTlsSecret(
            ApiClient client,
            String namespace,
            String name,
            RouterTrust trust,
            InternalCa.Policy policy,
            BooleanSupplier leader,
            Runnable trustChanged,
            Clock clock,
            Duration period) {
        this.api = new CoreV1Api(client);
        this.namespace = namespace;
        this.name = name;
        this.trust = trust;
        this.policy = policy;
        this.leader = leader;
        this.trustChanged = trustChanged;
        this.clock = clock;
        this.period = period;
    }

    public synchronized void start() {
        if (loop == null) {
            loop = Thread.ofVirtual().name("internal-tls-secret").start(this::run);
        }
    }

    /** Look at the Secret now (e.g. this controller just became the leader). */
    public void signal() {
        wake.raise();
    }

    @Override
    public void close() {
        BackgroundThreads.stop(loop);
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                pass();
                wake.await(period);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                problem("keeping Secret " + namespace + "/" + name + " failed: "
                        + e.getClass().getSimpleName());
                try {
                    wake.await(period);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** One look at the Secret: trust what it holds, and as the leader create or renew it. */
    void pass() {
        Optional<V1Secret> secret;
        try {
            secret = Optional.of(api.readNamespacedSecret(name, namespace).execute());
        } catch (ApiException e) {
            if (e.getCode() != 404) {
                problem("reading Secret " + namespace + "/" + name + " failed: HTTP " + e.getCode());
                return;
            }
            secret = Optional.empty();
        }
        Optional<Map<String, byte[]>> data = secret.map(s -> s.getData() == null ? Map.of() : s.getData());
        trustNow(InternalCa.bundle(data.orElse(Map.of()), clock.instant()));
        if (!leader.getAsBoolean()) {
            return;
        }
        InternalCa.Decision decision = InternalCa.decide(data, trust.identity(), clock.instant(), policy);
        if (!(decision instanceof InternalCa.Decision.Write write)) {
            lastProblem = "";
            return;
        }
        try {
            if (secret.isEmpty()) {
                api.createNamespacedSecret(namespace, fresh(write.data())).execute();
                LOG.info(() -> "created Secret " + namespace + "/" + name + " with a new internal CA and the routers'"
                        + " serving certificate for " + trust.identity());
            } else {
                V1Secret s = secret.get();
                s.setData(write.data());
                api.replaceNamespacedSecret(name, namespace, s).execute();
                LOG.info(() -> "renewed Secret " + namespace + "/" + name + ": " + write.why());
            }
            lastProblem = "";
            trustNow(write.trust());
        } catch (ApiException e) {
            if (e.getCode() == 409) {
                signal(); // someone else wrote first: read again
                return;
            }
            problem("writing Secret " + namespace + "/" + name + " failed: HTTP " + e.getCode());
        }
    }

    private void trustNow(List<X509Certificate> cas) {
        boolean before = trust.ready();
        List<X509Certificate> old = List.of(trust.getAcceptedIssuers());
        trust.update(cas);
        if (before != trust.ready() || !old.equals(cas)) {
            trustChanged.run();
        }
    }

    private V1Secret fresh(Map<String, byte[]> data) {
        return new V1Secret()
                .metadata(new V1ObjectMeta()
                        .name(name)
                        .namespace(namespace)
                        .labels(Map.of("app.kubernetes.io/managed-by", "infergate-controller")))
                .type("Opaque")
                .data(data);
    }

    /** Logs a problem once, until it changes or goes away. */
    private void problem(String message) {
        if (!message.equals(lastProblem)) {
            lastProblem = message;
            LOG.warning(message);
        }
    }
}
