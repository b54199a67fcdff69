package io.infergate.controller.kube;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real kube-apiserver with etcd for {@code *IT} tests, the way controller-runtime's envtest
 * runs one: no controllers, no kubelet, bearer-token authentication, RBAC, loopback only.
 *
 * <p>Register it with {@code @RegisterExtension static KubeApiServer api = KubeApiServer.withCrds(...)}:
 * it starts before the class's tests on free loopback ports (the flags of {@code .ci/kube-up.sh}),
 * installs the chosen CRDs by server-side apply, and stops after them. The binaries and CRDs come
 * from {@code $INFERGATE_KUBE_ASSETS}, else the default cache of {@code .ci/kube-binaries.sh};
 * when neither has them the class is skipped, with the reason printed.
 *
 * <p>The InferencePool CRD comes from GIE v1.6.0, where {@code spec.endpointPickerRef} is optional,
 * so the walkthrough's pool (which names no endpoint picker) is accepted as upstream defines it. A
 * cache collected before that (GIE v1.5.0 requires the field) is refused with the command to run.
 */
public final class KubeApiServer implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {

    /** CRD folders under {@code <assets>/crds}. */
    public static final String GATEWAY_API = "gateway-api-standard";

    public static final String INFERENCE_EXTENSION = "inference-extension";

    /** Kthena's ModelServer and ModelRoute CRDs (from the Kthena Go module, see .ci/kube-binaries.sh). */
    public static final String KTHENA = "kthena";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final List<String> crdSets;
    private final String serviceCidr;
    private final List<Process> processes = new ArrayList<>();
    private Path assets;
    private Path work;
    private String token;
    private URI server;
    private Path kubeconfig;
    private KubeRest rest;

    private KubeApiServer(List<String> crdSets, String serviceCidr) {
        this.crdSets = List.copyOf(crdSets);
        this.serviceCidr = serviceCidr;
    }

    /** An API server with these CRD sets installed at start ({@link #GATEWAY_API}, {@link #INFERENCE_EXTENSION}). */
    public static KubeApiServer withCrds(String... sets) {
        return new KubeApiServer(List.of(sets), "10.0.0.0/24");
    }

    /**
     * The same server with another Service cluster IP range. A loopback range (e.g. {@code 127.64.1.0/24})
     * gives Services cluster IPs that a test can listen on, playing kube-proxy (the conformance module).
     */
    public KubeApiServer withServiceCidr(String cidr) {
        return new KubeApiServer(crdSets, cidr);
    }

    /** The assets folder, or empty with the reason printed when the binaries are not there. */
    static Optional<Path> assets() {
        String env = System.getenv("INFERGATE_KUBE_ASSETS");
        Path dir = env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "infergate", "kube-v1.37.2-etcd-v3.7.3");
        if (Files.isExecutable(dir.resolve("kube-apiserver"))
                && Files.isExecutable(dir.resolve("etcd"))
                && Files.isDirectory(dir.resolve("crds"))) {
            return Optional.of(dir);
        }
        return Optional.empty();
    }

    /** Without the binaries the class is skipped (every test reported skipped), with the reason printed. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (assets().isPresent()) {
            return ConditionEvaluationResult.enabled("kube-apiserver and etcd found");
        }
        String reason =
                "no kube-apiserver and etcd in $INFERGATE_KUBE_ASSETS (" + System.getenv("INFERGATE_KUBE_ASSETS")
                        + ") or ~/.cache/infergate/kube-v1.37.2-etcd-v3.7.3; run .ci/kube-binaries.sh and export"
                        + " INFERGATE_KUBE_ASSETS=<the dir it prints>";
        System.out.println("SKIPPED " + context.getDisplayName() + ": " + reason);
        return ConditionEvaluationResult.disabled(reason);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Optional<Path> found = assets();
        Assumptions.assumeTrue(found.isPresent(), "no kube-apiserver and etcd (see the skip reason above)");
        assets = found.get();
        long t0 = System.nanoTime();
        work = Files.createTempDirectory("infergate-kube-");
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
        start();
        for (String set : crdSets) {
            installCrds(set);
        }
        installOwnCrds();
        System.out.printf(
                "KubeApiServer: kube-apiserver at %s with CRDs %s ready in %.1f s (%s)%n",
                server, crdSets, (System.nanoTime() - t0) / 1e9, context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** A kubeconfig file for the admin user (system:masters). */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** Plain REST access for setting up and reading back objects. */
    public KubeRest rest() {
        return rest;
    }

    /**
     * Installs this project's CRDs (kustomize/base/crds: AuthPolicy), part of every install the way
     * the kustomize base applies them, and waits until they are served.
     */
    private void installOwnCrds() throws IOException, InterruptedException {
        Path dir = Path.of("..", "kustomize", "base", "crds");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        List<String> names = new ArrayList<>();
        for (Path f : files) {
            names.addAll(rest.apply(Files.readString(f, StandardCharsets.UTF_8)));
        }
        for (String name : names) {
            rest.awaitEstablished(name, START_TIMEOUT);
        }
    }

    /** Installs one CRD set (server-side apply) and waits until its kinds are served. */
    public void installCrds(String set) throws IOException, InterruptedException {
        List<Path> files;
        try (Stream<Path> s = Files.list(assets.resolve("crds").resolve(set))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        List<String> names = new ArrayList<>();
        for (Path f : files) {
            String yaml = Files.readString(f, StandardCharsets.UTF_8);
            if (f.getFileName().toString().equals("inference.networking.k8s.io_inferencepools.yaml")
                    && yaml.contains("            required:\n            - endpointPickerRef\n")) {
                throw new IllegalStateException(f + " is the GIE v1.5.0 InferencePool CRD (endpointPickerRef"
                        + " required); run .ci/kube-binaries.sh to collect the v1.6.0 one");
            }
            names.addAll(rest.apply(yaml));
        }
        for (String name : names) {
            rest.awaitEstablished(name, START_TIMEOUT);
        }
    }

    private void start() throws Exception {
        int etcdPort = freePort();
        int peerPort = freePort();
        int apiPort = freePort();
        token = HexFormat.of().formatHex(random(24));
        Path certs = Files.createDirectories(work.resolve("certs"));
        Files.writeString(certs.resolve("tokens.csv"), token + ",admin,admin,system:masters\n");
        KeyPair sa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        Files.writeString(
                certs.resolve("sa.key"), pem("PRIVATE KEY", sa.getPrivate().getEncoded()));
        Files.writeString(
                certs.resolve("sa.pub"), pem("PUBLIC KEY", sa.getPublic().getEncoded()));
        String etcdUrl = "http://127.0.0.1:" + etcdPort;
        String peerUrl = "http://127.0.0.1:" + peerPort;
        server = URI.create("https://127.0.0.1:" + apiPort);

        launch(
                "etcd",
                List.of(
                        assets.resolve("etcd").toString(),
                        "--name=default",
                        "--data-dir=" + Files.createDirectories(work.resolve("etcd-data")),
                        "--listen-client-urls=" + etcdUrl,
                        "--advertise-client-urls=" + etcdUrl,
                        "--listen-peer-urls=" + peerUrl,
                        "--initial-advertise-peer-urls=" + peerUrl,
                        "--initial-cluster=default=" + peerUrl,
                        "--unsafe-no-fsync=true"));
        HttpClient plain =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        awaitUp(
                "etcd",
                () -> plain.send(
                                        HttpRequest.newBuilder(URI.create(etcdUrl + "/health"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200);

        launch(
                "kube-apiserver",
                List.of(
                        assets.resolve("kube-apiserver").toString(),
                        "--etcd-servers=" + etcdUrl,
                        "--cert-dir=" + certs,
                        "--secure-port=" + apiPort,
                        "--bind-address=127.0.0.1",
                        "--advertise-address=127.0.0.1",
                        "--endpoint-reconciler-type=none",
                        "--service-cluster-ip-range=" + serviceCidr,
                        "--allow-privileged=true",
                        "--authorization-mode=RBAC",
                        "--token-auth-file=" + certs.resolve("tokens.csv"),
                        "--service-account-issuer=" + server,
                        "--service-account-key-file=" + certs.resolve("sa.pub"),
                        "--service-account-signing-key-file=" + certs.resolve("sa.key"),
                        "--disable-admission-plugins=ServiceAccount"));
        Path ca = certs.resolve("apiserver.crt");
        awaitUp("kube-apiserver", () -> Files.exists(ca) && Files.size(ca) > 0);
        SSLContext tls = tls(ca);
        rest = new KubeRest(server, token, tls);
        awaitUp("kube-apiserver", rest::ready);

        kubeconfig = work.resolve("kubeconfig");
        Files.writeString(
                kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: it
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: admin
                  user:
                    token: %s
                contexts:
                - name: it
                  context:
                    cluster: it
                    user: admin
                current-context: it
                """.formatted(server, Base64.getEncoder().encodeToString(Files.readAllBytes(ca)), token));
    }

    private void launch(String name, List<String> command) throws IOException {
        Path log = work.resolve(name + ".log");
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        synchronized (processes) {
            processes.add(p);
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private void awaitUp(String name, Check check) {
        Process p = processes.getLast();
        try {
            org.awaitility.Awaitility.await(name + " up")
                    .atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException(
                                    name + " exited during start-up:\n" + tail(work.resolve(name + ".log")));
                        }
                        return check.ok();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException(
                    name + " not up within " + START_TIMEOUT.toSeconds() + " s:\n" + tail(work.resolve(name + ".log")),
                    e);
        }
    }

    private synchronized void stop() {
        List<Process> all;
        synchronized (processes) {
            all = new ArrayList<>(processes);
            processes.clear();
        }
        // Throwaway processes with throwaway data: no graceful shutdown needed (it takes seconds).
        for (int i = all.size() - 1; i >= 0; i--) {
            Process p = all.get(i);
            p.destroyForcibly();
            try {
                p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (work != null && !all.isEmpty()) {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temp folder left behind
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static SSLContext tls(Path ca) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (var in = Files.newInputStream(ca)) {
            int i = 0;
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("apiserver-" + i++, (X509Certificate) cert);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
