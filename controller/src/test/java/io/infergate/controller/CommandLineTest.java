package io.infergate.controller;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flags: a good command line becomes a config; every mistake is named and exits 2 before anything starts. */
class CommandLineTest {

    @TempDir
    static Path dir;

    @Test
    void parsesEveryFlag() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "  abc123\n");
        ControllerConfig c = CommandLine.parse(new String[] {
            "--manifests",
            dir.toString(),
            "--routers=http://127.0.0.1:15000,http://127.0.0.2:15000",
            "--routers",
            "http://[::1]:15000",
            "--token-file",
            token.toString(),
            "--admin-port",
            "0",
            "--admin-bind",
            "0.0.0.0",
            "--controller-name",
            "example.net/gateway-controller"
        });
        assertEquals(
                List.of(
                        URI.create("http://127.0.0.1:15000"),
                        URI.create("http://127.0.0.2:15000"),
                        URI.create("http://[::1]:15000")),
                c.routers());
        assertEquals("abc123", c.token().orElseThrow().value());
        assertFalse(c.token().orElseThrow().toString().contains("abc123"), "the token never shows in logs");
        assertEquals(0, c.adminPort());
        assertEquals("0.0.0.0", c.adminBind());
        assertEquals("example.net/gateway-controller", c.controllerName());
        assertEquals(List.of("127.0.0.1", "127.0.0.2", "::1"), c.gatewayAddresses(), "default: the routers' hosts");
    }

    @Test
    void gatewayAddressesAreRepeatableAndCommaSeparated() throws Exception {
        ControllerConfig c = CommandLine.parse(new String[] {
            "--manifests", dir.toString(), "--gateway-address", "10.0.0.1,10.0.0.2", "--gateway-address=gw.example.com"
        });
        assertEquals(List.of("10.0.0.1", "10.0.0.2", "gw.example.com"), c.gatewayAddresses());
        assertEquals(9090, c.adminPort());
        assertEquals("127.0.0.1", c.adminBind());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            local flag in cluster mode      | --admin-port 9090 --routers http://h:1           | --routers is for local mode
            cluster flag in local mode      | --manifests DIR --namespace x                    | --namespace is for cluster mode
            unknown flag                    | --manifests DIR --verbose                        | unknown option '--verbose'
            missing value                   | --manifests DIR --routers                        | --routers needs a value
            not a folder                    | --manifests /no/such/folder                      | --manifests: '/no/such/folder' is not a folder
            routers without a token         | --manifests DIR --routers http://127.0.0.1:15000 | --token-file is required with --routers
            router not http                 | --manifests DIR --routers ftp://h:1              | is not an http://host:port URL
            router with a path              | --manifests DIR --routers http://h:1/x           | must not have a path
            empty list item                 | --manifests DIR --gateway-address a,,b          | --gateway-address has an empty item
            port out of range               | --manifests DIR --admin-port 70000               | --admin-port must be 0..65535
            bad controller name             | --manifests DIR --controller-name nodomain       | --controller-name must look like DOMAIN/PATH
            unreadable token file           | --manifests DIR --token-file /no/such/token      | --token-file: cannot read '/no/such/token'
            flag given twice                | --manifests DIR --admin-port 1 --admin-port 2    | --admin-port is given more than once
            """)
    void mistakesExitTwoWithAPreciseMessage(String reason, String args, String message) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(
                args.replace("DIR", dir.toString()).split(" "),
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(message), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpPrintsUsage() throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(
                0, Main.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--manifests DIR"));
    }

    @Test
    void anEmptyTokenFileIsRefused() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                CommandLine.UsageException.class,
                () -> CommandLine.parse(
                        new String[] {"--manifests", dir.toString(), "--token-file", empty.toString()}));
        assertTrue(e.getMessage().contains("is empty"));
    }

    @Test
    void withoutManifestsItIsClusterModeWithTheDefaults() throws Exception {
        ClusterConfig c = cluster(Map.of());
        assertEquals(Optional.empty(), c.kubeconfig(), "in-cluster");
        assertEquals("kthena-system", c.namespace());
        assertTrue(c.identity().startsWith("host-1_"), c.identity());
        assertTrue(c.gatewayApi());
        assertTrue(c.inferenceExtension());
        assertEquals("kthena-router", c.routerService());
        assertEquals(Map.of("app.kubernetes.io/name", "kthena-router"), c.routerSelector());
        assertEquals(15000, c.routerInternalPort());
        assertEquals("infergate-snapshot-token", c.tokenSecret());
        assertEquals("infergate-controller", c.leaseName());
        assertEquals("0.0.0.0", c.adminBind(), "reachable by probes and Prometheus in a pod");
        assertEquals(9090, c.adminPort());
        assertEquals(
                List.of(20000, 1000),
                List.of(c.gatewayPorts().start(), c.gatewayPorts().size()),
                "router ports 20000-20999");
        assertFalse(c.servicePerGateway(), "the oldest Gateway is reached through the router Service");
    }

    @Test
    void clusterFlagsAndTheEnvironment() throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\n");
        ClusterConfig c = cluster(
                Map.of("POD_NAMESPACE", "gw", "POD_NAME", "ctl-0"),
                "--kubeconfig",
                kubeconfig.toString(),
                "--enable-gateway-api-inference-extension=false",
                "--enable-gateway-api",
                "--router-service",
                "edge",
                "--router-selector",
                "app=r, tier==edge",
                "--router-internal-port",
                "16000",
                "--token-secret",
                "tok",
                "--lease-name",
                "lease",
                "--admin-bind",
                "127.0.0.1");
        assertEquals(Optional.of(kubeconfig.toAbsolutePath()), c.kubeconfig());
        assertEquals("gw", c.namespace(), "POD_NAMESPACE");
        assertTrue(c.identity().startsWith("ctl-0_"), "POD_NAME plus a random suffix: " + c.identity());
        assertTrue(c.gatewayApi(), "a bare boolean flag means true");
        assertFalse(c.inferenceExtension());
        assertEquals("edge", c.routerService());
        assertEquals(Map.of("app", "r", "tier", "edge"), c.routerSelector());
        assertEquals(16000, c.routerInternalPort());
        assertEquals("tok", c.tokenSecret());
        assertEquals("lease", c.leaseName());
        assertEquals("127.0.0.1", c.adminBind());
        assertEquals(
                "other",
                cluster(Map.of("POD_NAMESPACE", "gw"), "--namespace", "other", "--identity", "me")
                        .namespace());
        assertEquals("me", cluster(Map.of(), "--identity", "me").identity());
        assertFalse(cluster(Map.of(), "--enable-gateway-api", "false").gatewayApi());
        var ports = cluster(Map.of(), "--gateway-ports", "30000-30099").gatewayPorts();
        assertEquals(List.of(30000, 100), List.of(ports.start(), ports.size()));
        assertTrue(cluster(Map.of(), "--service-per-gateway").servicePerGateway());
        assertFalse(cluster(Map.of(), "--service-per-gateway=false").servicePerGateway());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            boolean not true or false       | --enable-gateway-api=yes              | --enable-gateway-api takes true or false
            selector not key=value          | --router-selector app                 | --router-selector: 'app' is not key=value
            selector with inequality        | --router-selector app!=x              | only equality is supported
            namespace not a DNS label       | --namespace Bad_NS                    | --namespace must be a namespace name
            secret not a DNS name           | --token-secret Tok                    | --token-secret must be a Kubernetes object name
            internal port zero              | --router-internal-port 0              | --router-internal-port must be 1..65535
            gateway ports backwards         | --gateway-ports 500-400               | --gateway-ports: expected a range A-B
            gateway ports not a range       | --gateway-ports 500                   | --gateway-ports: expected a range A-B
            unreadable kubeconfig           | --kubeconfig /no/such/kubeconfig      | --kubeconfig: cannot read
            gateway addresses               | --gateway-address 10.0.0.1            | Gateways report the router Service's addresses
            """)
    void clusterModeMistakes(String reason, String args, String message) {
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                CommandLine.UsageException.class, () -> CommandLine.parse(args.split(" "), Map.of(), "host-1"));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static ClusterConfig cluster(Map<String, String> env, String... args) throws Exception {
        return switch (CommandLine.parse(args, env, "host-1")) {
            case CommandLine.Mode.Cluster c -> c.config();
            case CommandLine.Mode.Local l -> throw new AssertionError("local mode");
        };
    }
}
