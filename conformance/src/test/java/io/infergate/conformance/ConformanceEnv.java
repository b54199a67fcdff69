package io.infergate.conformance;

import io.infergate.common.snapshot.SnapshotJson;
import io.infergate.common.tls.Issuer;
import io.infergate.controller.ControllerApp;
import io.infergate.controller.ControllerConfig;
import io.infergate.controller.folder.Manifests;
import io.infergate.controller.publish.Publisher;
import io.infergate.controller.status.Programmed;
import io.infergate.controller.status.StatusPlan;
import io.infergate.controller.translate.Translation;
import io.infergate.controller.translate.Translator;
import io.infergate.controller.translate.TranslatorConfig;
import io.infergate.router.RouterApp;
import io.infergate.router.RouterConfig;
import io.infergate.simulator.ServingTls;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The one environment every conformance case shares (started once per test JVM, closed when
 * JUnit finishes): simulator echo pods on 127.0.12.1-8 (the Pods of {@code base.yaml}), one
 * router whose own bind address is 127.0.12.99, and one local-mode controller watching a folder
 * and pushing to that router. {@link #apply} makes the folder hold {@code base.yaml} plus one
 * upstream test's manifests and returns once the router serves exactly their snapshot, so each
 * case sees its own test's objects and nothing else.
 *
 * <p>Listener ports: upstream manifests listen on 80, 8080 and 8090; the suite cannot rely on
 * binding those, so {@code {PORT_80}}, {@code {PORT_8080}} and {@code {PORT_8090}} in the
 * manifests become free ports.
 * Expectations that depend on the listener port (redirect Locations) name the port they get.
 */
public final class ConformanceEnv implements ExtensionContext.Store.CloseableResource {

    static final String GATEWAY_CLASS = "gateway-conformance";
    static final String INFRA = "gateway-conformance-infra";
    static final String APP_BACKEND = "gateway-conformance-app-backend";
    static final String WEB_BACKEND = "gateway-conformance-web-backend";
    /** Where Gateways without spec.addresses are served (the router's bind address). */
    static final String ROUTER_ADDRESS = "127.0.12.99";
    /** Addresses Gateways of the manifests listen on: the router's, and spec.addresses in the YAML. */
    private static final List<String> GATEWAY_ADDRESSES =
            List.of(ROUTER_ADDRESS, "127.0.12.100", "127.0.12.101", "127.0.12.102", "127.0.12.110", "127.0.12.111");

    private static final String TOKEN = "conformance-token";
    private static final Duration WITHIN = Duration.ofSeconds(20);

    /** The Pods of base.yaml: name, namespace, podIP. */
    private record PodSpec(String name, String namespace, String ip) {}

    private static final List<PodSpec> PODS = List.of(
            new PodSpec("infra-backend-v1-0", INFRA, "127.0.12.1"),
            new PodSpec("infra-backend-v1-1", INFRA, "127.0.12.2"),
            new PodSpec("infra-backend-v2-0", INFRA, "127.0.12.3"),
            new PodSpec("infra-backend-v2-1", INFRA, "127.0.12.4"),
            new PodSpec("infra-backend-v3-0", INFRA, "127.0.12.5"),
            new PodSpec("app-backend-v1-0", APP_BACKEND, "127.0.12.6"),
            new PodSpec("app-backend-v2-0", APP_BACKEND, "127.0.12.7"),
            new PodSpec("web-backend-0", WEB_BACKEND, "127.0.12.8"));

    private final List<SimulatedPod> pods = new ArrayList<>();
    private final RoundTrip client = new RoundTrip();
    /**
     * The Secret tls-validity-checks-certificate of the HTTPS cases (upstream generates its own
     * too): a CA, and a certificate for the names upstream's HTTPS rows use, made here, per run.
     */
    private static final Issuer.Issued CA =
            Issuer.ca("gateway-conformance CA", Issuer.KeyType.EC_P256, Duration.ofDays(1));

    private static final Issuer.Issued SERVER = Issuer.leaf(
            CA,
            List.of(
                    "example.org",
                    "second-example.org",
                    "*.wildcard.org",
                    "fourth-example.wildcard.org",
                    "https-listener.org"),
            Issuer.KeyType.EC_P256,
            Duration.ofDays(1));

    /**
     * The BackendTLSPolicy cases' backend (upstream: the Secret tls-checks-certificate of echo-basic
     * tls-backend, signed by the CA of ConfigMap tls-checks-ca-certificate) and the unrelated CA of
     * ConfigMap mismatch-ca-certificate, made here, per run.
     */
    private static final Issuer.Issued TLS_CHECKS_CA =
            Issuer.ca("tls-checks CA", Issuer.KeyType.EC_P256, Duration.ofDays(1));

    private static final Issuer.Issued TLS_BACKEND = Issuer.leaf(
            TLS_CHECKS_CA,
            List.of("abc.example.com", "spiffe://abc.example.com/test-identity", "other.example.com"),
            Issuer.KeyType.EC_P256,
            Duration.ofDays(1));
    private static final Issuer.Issued MISMATCH_CA =
            Issuer.ca("mismatch CA", Issuer.KeyType.EC_P256, Duration.ofDays(1));
    /** The TLS echo pod of base.yaml (tls-backend-0). */
    private static final String TLS_BACKEND_IP = "127.0.12.9";

    private final TlsRoundTrip tls = new TlsRoundTrip(CA.certificate());
    private final Path folder;
    private final int echoPort;
    private final int tlsBackendPort;
    private final int port80;
    private final int port8080;
    private final int port8090;
    private String servedTest = "";
    private Served served;
    private Throwable failure;
    private RouterApp router;
    private ControllerApp controller;

    private ConformanceEnv() throws IOException {
        folder = Files.createTempDirectory("infergate-conformance");
        List<String> podIps = PODS.stream().map(PodSpec::ip).toList();
        echoPort = freePortOn(podIps);
        tlsBackendPort = freePortOn(List.of(TLS_BACKEND_IP));
        port80 = freePortOn(GATEWAY_ADDRESSES);
        port8080 = freePortOther(port80);
        port8090 = freePortOther(port80, port8080);
    }

    /** Starts everything; the controller starts on the base manifests alone. */
    static ConformanceEnv start() {
        ConformanceEnv env;
        try {
            env = new ConformanceEnv();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (PodSpec p : PODS) {
                env.pods.add(SimulatedPod.start(SimulatorConfig.builder()
                        .host(p.ip())
                        .port(env.echoPort)
                        .podName(p.name())
                        .namespace(p.namespace())
                        .build()));
            }
            env.pods.add(SimulatedPod.start(SimulatorConfig.builder()
                    .host(TLS_BACKEND_IP)
                    .port(env.tlsBackendPort)
                    .podName("tls-backend-0")
                    .namespace(INFRA)
                    .tls(Optional.of(new ServingTls(TLS_BACKEND.certificatePem(), TLS_BACKEND.privateKeyPem())))
                    .build()));
            // seeded: weighted choices and mirror shares repeat run after run
            env.router = RouterApp.start(RouterConfig.defaults(ROUTER_ADDRESS, 0, TOKEN), new Random(42));
            env.write(env.manifests(Optional.empty()));
            ControllerConfig config = ControllerConfig.local(env.folder)
                    .withRouters(
                            List.of(URI.create("http://" + ROUTER_ADDRESS + ":" + env.router.internalPort())),
                            new ControllerConfig.Token(TOKEN))
                    .withAdmin("127.0.0.1", 0)
                    .withGatewayAddresses(List.of(ROUTER_ADDRESS))
                    .withTuning(new ControllerConfig.Tuning(
                            Duration.ofMillis(20),
                            Duration.ofMillis(100),
                            new Publisher.Settings(
                                    Duration.ofMillis(50),
                                    Duration.ofMillis(500),
                                    Duration.ofSeconds(2),
                                    Duration.ofMillis(200))));
            env.controller = ControllerApp.start(config);
            return env;
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
    }

    /**
     * Serves {@code base.yaml} plus {@code conformance/<test>.yaml}; returns once the router holds
     * the snapshot the controller translated from exactly these manifests.
     */
    synchronized Served apply(String test) {
        served = null;
        failure = null;
        servedTest = test;
        String text = manifests(Optional.of(test));
        Manifests.Result read = Manifests.read(text);
        assertEquals(List.of(), read.problems(), test + ".yaml must decode cleanly");
        Translation translation = Translator.translate(
                read.state(), new TranslatorConfig(TranslatorConfig.DEFAULT_CONTROLLER_NAME, List.of(ROUTER_ADDRESS)));
        String expected = SnapshotJson.contentId(translation.snapshot());
        // The snapshot alone may not change (a test whose routes are all refused serves what the
        // base serves), so the status must be the manifests' too: the plan with the served
        // Gateways programmed, compared without transition times.
        StatusPlan expectedStatus = unstamped(Programmed.apply(
                translation.plan(),
                translation.snapshot().gateways().stream()
                        .map(io.infergate.common.snapshot.Gateway::id)
                        .collect(Collectors.toSet())));
        write(text);
        await(test + ": the router serves the manifests' snapshot")
                .atMost(WITHIN)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    var view = controller.view();
                    return view.snapshotId().equals(expected)
                            && !view.routers().isEmpty()
                            && view.routers().stream().allMatch(a -> a.ackedId().equals(Optional.of(expected)))
                            && unstamped(view.status()).equals(expectedStatus);
                });
        served = new Served(this, controller.view().status());
        return served;
    }

    private static StatusPlan unstamped(StatusPlan plan) {
        return plan.map(e -> e.status().mapConditions((scope, c) -> c.unstamped()));
    }

    /**
     * The manifests' Served: applies them unless they are the ones served now (the cases of one
     * upstream test run one after the other, so its manifests are applied once).
     */
    synchronized Served serve(String test) {
        if (!test.equals(servedTest)) {
            try {
                apply(test);
            } catch (RuntimeException | AssertionError e) {
                failure = e; // every case of this test fails with it, without waiting again
            }
        }
        if (failure != null) {
            throw new IllegalStateException(test + " was not served", failure);
        }
        return served;
    }

    /** The free port standing in for the listener port. */
    int port(Expected.Listener listener) {
        return switch (listener) {
            case PORT_80 -> port80;
            case PORT_8080 -> port8080;
            case PORT_8090 -> port8090;
        };
    }

    int port80() {
        return port80;
    }

    int port8080() {
        return port8080;
    }

    int port8090() {
        return port8090;
    }

    RoundTrip client() {
        return client;
    }

    TlsRoundTrip tls() {
        return tls;
    }

    /** The request targets the echo pods whose names start with {@code prefix} answered so far. */
    List<String> echoed(String prefix) {
        List<String> out = new ArrayList<>();
        pods.stream().filter(p -> p.podName().startsWith(prefix)).forEach(p -> out.addAll(p.echoed()));
        return out;
    }

    private String manifests(Optional<String> test) {
        String text = resource("base.yaml")
                + test.map(t -> "\n---\n" + resource(t + ".yaml")).orElse("");
        for (Map.Entry<String, String> e : Map.of(
                        "{GATEWAY_CLASS_NAME}",
                        GATEWAY_CLASS,
                        "{PORT_80}",
                        Integer.toString(port80),
                        "{PORT_8080}",
                        Integer.toString(port8080),
                        "{PORT_8090}",
                        Integer.toString(port8090),
                        "{ECHO_PORT}",
                        Integer.toString(echoPort),
                        "{TLS_CRT}",
                        base64(SERVER.certificatePem()),
                        "{TLS_KEY}",
                        base64(SERVER.privateKeyPem()),
                        "{TLS_BACKEND_PORT}",
                        Integer.toString(tlsBackendPort),
                        "{TLS_CHECKS_CA}",
                        yamlString(TLS_CHECKS_CA.certificatePem()),
                        "{MISMATCH_CA}",
                        yamlString(MISMATCH_CA.certificatePem()))
                .entrySet()) {
            text = text.replace(e.getKey(), e.getValue());
        }
        return text;
    }

    /** PEM inside a double-quoted YAML string: line breaks as escapes. */
    private static String yamlString(String pem) {
        return pem.replace("\n", "\\n");
    }

    private static String base64(String pem) {
        return java.util.Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
    }

    /** Replaces the folder's one manifest file in a single rename, so no rebuild sees half of it. */
    private void write(String text) {
        try {
            Path tmp = folder.resolve(".next.tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(
                    tmp,
                    folder.resolve("manifests.yaml"),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(String name) {
        try (var in = ConformanceEnv.class.getResourceAsStream("/conformance/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource conformance/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port free on every Gateway address, other than the ones given. */
    private static int freePortOther(int... taken) {
        while (true) {
            int port = freePortOn(GATEWAY_ADDRESSES);
            if (java.util.Arrays.stream(taken).noneMatch(t -> t == port)) {
                return port;
            }
        }
    }

    /** A port free on every one of the addresses a moment ago. */
    private static int freePortOn(List<String> addresses) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(addresses.getFirst()))) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (addresses.stream().allMatch(a -> canBind(a, port))) {
                return port;
            }
        }
        throw new IllegalStateException("no port free on all of " + addresses);
    }

    private static boolean canBind(String address, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (controller != null) {
            controller.close();
        }
        if (router != null) {
            router.close();
        }
        pods.forEach(SimulatedPod::close);
        client.close();
        try (var files = Files.list(folder)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }

    /** Gives tests the shared environment ({@code @ExtendWith(ConformanceEnv.Shared.class)}). */
    public static final class Shared implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == ConformanceEnv.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot()
                    .getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(ConformanceEnv.class, k -> start(), ConformanceEnv.class);
        }
    }
}
