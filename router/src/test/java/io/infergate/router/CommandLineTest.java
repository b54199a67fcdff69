package io.infergate.router;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class CommandLineTest {

    static Stream<Arguments> errors() {
        return Stream.of(
                arguments(
                        "the token file is required",
                        List.of("--bind", "0.0.0.0"),
                        "--token-file is required (the bearer token of the snapshot API)"),
                arguments(
                        "unknown flags are named", List.of("--token-file", "t", "--bnd", "x"), "unknown flag '--bnd'"),
                arguments("a flag without its value", List.of("--token-file"), "flag --token-file needs a value"),
                arguments(
                        "a value-less flag followed by a flag",
                        List.of("--bind", "--token-file", "t"),
                        "flag --bind needs a value"),
                arguments(
                        "ports are numbers",
                        List.of("--token-file", "t", "--internal-port", "x"),
                        "--internal-port must be a number, got 'x'"),
                arguments(
                        "ports are in range",
                        List.of("--token-file", "t", "--internal-port=70000"),
                        "--internal-port must be in 1..65535, got 70000"),
                arguments("stray arguments", List.of("serve"), "unexpected argument 'serve'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void badFlagsAreExplained(String reason, List<String> args, String message) {
        assertEquals(
                message,
                assertInstanceOf(CommandLine.Parsed.Invalid.class, CommandLine.parse(args))
                        .message());
    }

    @Test
    void defaultsAndBothFlagForms() {
        var run = assertInstanceOf(
                CommandLine.Parsed.Run.class,
                CommandLine.parse(List.of("--token-file=/t", "--bind", "0.0.0.0", "--config", "c.yaml")));
        assertEquals(
                new CommandLine.Parsed.Run("0.0.0.0", "0.0.0.0", 15000, Path.of("/t"), Optional.of(Path.of("c.yaml"))),
                run);
        var internal = assertInstanceOf(
                CommandLine.Parsed.Run.class,
                CommandLine.parse(
                        List.of("--token-file", "/t", "--internal-bind", "10.0.0.1", "--internal-port", "9000")));
        assertEquals("127.0.0.1", internal.bind());
        assertEquals("10.0.0.1", internal.internalBind());
        assertEquals(9000, internal.internalPort());
        assertInstanceOf(CommandLine.Parsed.Help.class, CommandLine.parse(List.of("--bind", "x", "--help")));
    }

    @Test
    void theConfigFileOverridesDefaultsAndRejectsTypos(@TempDir Path dir) throws IOException {
        Path good = Files.writeString(dir.resolve("router.yaml"), """
                router:
                  listeners:
                    max-payload-size: 1048576
                    drain-timeout: PT2S
                  upstream:
                    read-timeout: PT60S
                    max-concurrent-per-endpoint: 8
                    retries: 0
                    consecutive-connect-failures: 3
                    base-ejection-time: PT10S
                    max-ejection-time: PT60S
                    watch-clients: false
                  snapshot:
                    max-size: 2048
                """);
        ConfigFile.Settings s = ConfigFile.read(good);
        assertEquals(1_048_576, s.listeners().maxPayloadBytes());
        assertEquals(Duration.ofSeconds(2), s.listeners().drainTimeout());
        assertEquals(Duration.ofSeconds(60), s.proxy().readTimeout());
        assertEquals(Duration.ofSeconds(5), s.proxy().connectTimeout(), "absent keys keep their defaults");
        assertEquals(8, s.proxy().maxConcurrentPerEndpoint());
        assertEquals(1_048_576, s.proxy().maxBodyBytes(), "inference bodies share the listener bound");
        assertEquals(2048, s.maxSnapshotBytes());
        assertEquals(0, s.proxy().retries());
        assertEquals(
                new io.infergate.router.outlier.OutlierSettings(3, Duration.ofSeconds(10), Duration.ofSeconds(60)),
                s.proxy().outliers());
        assertEquals(false, s.proxy().watchClients());

        Path typo = Files.writeString(dir.resolve("typo.yaml"), "router:\n  upstream:\n    read-timout: PT1S\n");
        String message = assertThrows(IllegalArgumentException.class, () -> ConfigFile.read(typo))
                .getMessage();
        assertTrue(message.contains("unknown key 'router.upstream.read-timout'"), message);

        Path badDuration = Files.writeString(dir.resolve("bad.yaml"), "router:\n  upstream:\n    read-timeout: 5s\n");
        message = assertThrows(IllegalArgumentException.class, () -> ConfigFile.read(badDuration))
                .getMessage();
        assertTrue(message.contains("'router.upstream.read-timeout' must be an ISO-8601 duration"), message);
    }

    @Test
    void theAdmissionQueueSwitch(@TempDir Path dir) throws IOException {
        Path off = Files.writeString(dir.resolve("off.yaml"), "router:\n  admission:\n    queue: false\n");
        assertFalse(ConfigFile.read(off).pools().admission().queue());
        Path on = Files.writeString(dir.resolve("on.yaml"), "router:\n  admission:\n    queue: true\n");
        assertTrue(ConfigFile.read(on).pools().admission().queue());
        assertTrue(ConfigFile.defaults().pools().admission().queue());

        // YAML 1.1 booleans are resolved by the YAML parser before the router sees them.
        Path yaml11 = Files.writeString(dir.resolve("yaml11.yaml"), "router:\n  admission:\n    queue: off\n");
        assertFalse(ConfigFile.read(yaml11).pools().admission().queue());
        Path yes = Files.writeString(dir.resolve("yes.yaml"), "router:\n  admission:\n    queue: yes\n");
        assertTrue(ConfigFile.read(yes).pools().admission().queue());

        for (String bad : List.of("maybe", "0", "'off'", "'yes'", "1")) {
            Path file = Files.writeString(dir.resolve("bad.yaml"), "router:\n  admission:\n    queue: " + bad + "\n");
            String message = assertThrows(IllegalArgumentException.class, () -> ConfigFile.read(file))
                    .getMessage();
            assertEquals(
                    "--config " + file + ": 'router.admission.queue' must be true or false, got '"
                            + bad.replace("'", "") + "'",
                    message);
        }

        // Queue settings cannot act without the queue: saying both is a mistake worth stopping for.
        Path both = Files.writeString(
                dir.resolve("both.yaml"), "router:\n  admission:\n    queue: false\n    queue-timeout: PT3S\n");
        assertEquals(
                "--config " + both + ": 'router.admission.queue-timeout' has no effect with"
                        + " 'router.admission.queue: false'; remove one of them",
                assertThrows(IllegalArgumentException.class, () -> ConfigFile.read(both))
                        .getMessage());
    }

    @Test
    void schedulingSettingsAndTheSchedulerConfigFile(@TempDir Path dir) throws IOException {
        var run = assertInstanceOf(
                CommandLine.Parsed.Run.class,
                CommandLine.parse(List.of("--token-file=/t", "--scheduler-config", "s.yaml")));
        assertEquals(Optional.of(Path.of("s.yaml")), run.schedulerConfig());

        Path router = Files.writeString(dir.resolve("router.yaml"), """
                router:
                  endpoints:
                    scrape-interval: PT0.1S
                    stale-after: PT0.5S
                  admission:
                    queue-timeout: PT3S
                    saturation-queue-threshold: 8
                """);
        var scheduling = ConfigFile.read(router).pools();
        assertEquals(java.time.Duration.ofMillis(100), scheduling.scrape().interval());
        assertEquals(java.time.Duration.ofSeconds(3), scheduling.admission().queueTimeout());
        assertEquals(8.0, scheduling.saturation().queueThreshold());
        assertTrue(scheduling.admission().queue(), "queueing is on unless the file turns it off");

        Path bad = Files.writeString(dir.resolve("sched.yaml"), """
                apiVersion: infergate.io/v1alpha1
                kind: SchedulerConfig
                plugins:
                - type: queue-scorer
                profiles:
                - name: default
                  plugins:
                  - pluginRef: queue-scorer
                """);
        assertEquals(
                "--scheduler-config " + bad + ": profiles[0] 'default': no picker; a profile has exactly one",
                assertThrows(IllegalArgumentException.class, () -> ConfigFile.readScheduler(bad))
                        .getMessage());
    }

    @Test
    void tracingIsOffUnlessTurnedOnAndFairnessOnUnlessTurnedOff(@TempDir Path dir) throws IOException {
        assertFalse(ConfigFile.defaults().tracing().enabled());
        assertTrue(ConfigFile.defaults().pools().admission().fairness());
        Path on = Files.writeString(dir.resolve("on.yaml"), """
                router:
                  admission:
                    fairness: false
                  tracing:
                    enabled: true
                    endpoint: http://otel-collector.observability:4318/v1/traces
                    sample-ratio: 0.25
                    service-name: gw-router
                """);
        ConfigFile.Settings s = ConfigFile.read(on);
        assertFalse(s.pools().admission().fairness());
        assertTrue(s.tracing().enabled());
        assertEquals(
                "http://otel-collector.observability:4318/v1/traces",
                s.tracing().endpoint().toString());
        assertEquals(0.25, s.tracing().sampleRatio());
        assertEquals("gw-router", s.tracing().serviceName());

        Path idle = Files.writeString(
                dir.resolve("idle.yaml"), "router:\n  tracing:\n    endpoint: http://collector:4318/v1/traces\n");
        assertEquals(
                "--config " + idle + ": 'router.tracing.endpoint' has no effect without"
                        + " 'router.tracing.enabled: true'; set it or remove the key",
                assertThrows(IllegalArgumentException.class, () -> ConfigFile.read(idle))
                        .getMessage());
        Path ratio = Files.writeString(
                dir.resolve("ratio.yaml"), "router:\n  tracing:\n    enabled: true\n    sample-ratio: 2\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigFile.read(ratio))
                .getMessage()
                .contains("'router.tracing.sample-ratio' must be in 0..1"));
        Path scheme = Files.writeString(
                dir.resolve("scheme.yaml"), "router:\n  tracing:\n    enabled: true\n    endpoint: grpc://c:4317\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigFile.read(scheme))
                .getMessage()
                .contains("must be an http:// or https:// URL"));
    }
}
