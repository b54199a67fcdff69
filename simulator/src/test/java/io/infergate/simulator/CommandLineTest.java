package io.infergate.simulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandLineTest {

    @Test
    void defaultsAreOnePodOnLoopbackPort8000() throws Exception {
        List<SimulatorConfig> pods = CommandLine.parse(new String[0]);
        assertEquals(1, pods.size());
        SimulatorConfig pod = pods.getFirst();
        assertEquals("127.0.0.1", pod.host());
        assertEquals(8000, pod.port());
        assertEquals("sim-0", pod.podName());
        assertEquals(List.of("Qwen2.5-0.5B-Instruct"), pod.models());
        assertEquals(SimulatorConfig.defaults().toBuilder().port(8000).build(), pod);
    }

    @Test
    void podsWithoutHostsGetOneLoopbackAddressEachOnTheSamePort() throws Exception {
        List<SimulatorConfig> pods =
                CommandLine.parse(new String[] {"--pods", "3", "--port=9000", "--pod-name-prefix", "vllm"});
        assertEquals(
                List.of("127.0.0.2", "127.0.0.3", "127.0.0.4"),
                pods.stream().map(SimulatorConfig::host).toList());
        assertEquals(
                List.of(9000, 9000, 9000),
                pods.stream().map(SimulatorConfig::port).toList());
        assertEquals(
                List.of("vllm-0", "vllm-1", "vllm-2"),
                pods.stream().map(SimulatorConfig::podName).toList());
    }

    @Test
    void podsOnOneHostGetConsecutivePorts() throws Exception {
        List<SimulatorConfig> pods = CommandLine.parse(new String[] {"--pods", "2", "--host", "127.0.0.1"});
        assertEquals(
                List.of(8000, 8001), pods.stream().map(SimulatorConfig::port).toList());
    }

    @Test
    void explicitHostsModelsAndTiming() throws Exception {
        List<SimulatorConfig> pods = CommandLine.parse(new String[] {
            "--hosts",
            "127.0.0.5,127.0.0.6",
            "--model",
            "a,b",
            "--model",
            "c",
            "--ttft-ms",
            "100",
            "--itl-ms",
            "0",
            "--max-running",
            "2",
            "--max-waiting",
            "0",
            "--lora",
            "x",
            "--seed",
            "-3"
        });
        assertEquals(
                List.of("127.0.0.5", "127.0.0.6"),
                pods.stream().map(SimulatorConfig::host).toList());
        SimulatorConfig pod = pods.getFirst();
        assertEquals(List.of("a", "b", "c"), pod.models());
        assertEquals(List.of("x"), pod.loraAdapters());
        assertEquals(Duration.ofMillis(100), pod.timeToFirstToken());
        assertEquals(Duration.ZERO, pod.interTokenLatency());
        assertEquals(2, pod.maxRunning());
        assertEquals(0, pod.maxWaiting());
        assertEquals(-3, pod.seed());
    }

    @Test
    void parallelPrefillFlags() throws Exception {
        SimulatorConfig serial = CommandLine.parse(new String[0]).getFirst();
        assertFalse(serial.parallelPrefill(), "serial by default");
        assertEquals(1, serial.timeFactorUnderLoad());
        SimulatorConfig pod = CommandLine.parse(
                        new String[] {"--prefill-mode", "parallel", "--time-factor-under-load", "2.5"})
                .getFirst();
        assertTrue(pod.parallelPrefill());
        assertEquals(2.5, pod.timeFactorUnderLoad());
        assertThrows(
                CommandLine.UsageException.class, () -> CommandLine.parse(new String[] {"--prefill-mode", "fast"}));
        assertThrows(
                CommandLine.UsageException.class,
                () -> CommandLine.parse(new String[] {"--time-factor-under-load", "0.5"}));
    }

    @Test
    void realismFlags() throws Exception {
        SimulatorConfig pod = CommandLine.parse(new String[] {
                    "--prefill-us-per-token", "250", "--itl-us-per-seq=80", "--lora-load-ms", "100", "--no-prefix-cache"
                })
                .getFirst();
        assertEquals(Duration.ofNanos(250_000), pod.prefillTimePerToken());
        assertEquals(Duration.ofNanos(80_000), pod.interTokenLatencyPerSequence());
        assertEquals(Duration.ofMillis(100), pod.loraLoadTime());
        assertFalse(pod.prefixCaching());
        assertTrue(CommandLine.parse(new String[] {"--prefix-cache", "TRUE"})
                .getFirst()
                .prefixCaching());
        SimulatorConfig defaults = CommandLine.parse(new String[0]).getFirst();
        assertTrue(defaults.prefixCaching());
        assertEquals(Duration.ZERO, defaults.prefillTimePerToken());
    }

    @Test
    void aProfileFileSuppliesDefaultsAndTheCommandLineWins(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("bench.yaml");
        Files.writeString(yaml, """
                # scheduling benchmark pods
                model: "Llama-3.1-8B-Instruct"
                ttft-ms: 25          # fixed overhead
                prefill-us-per-token: 100
                kv-cache-blocks: 2000
                prefix-cache: false
                lora: a,b
                """);
        SimulatorConfig pod = CommandLine.parse(new String[] {"--profile", yaml.toString(), "--kv-cache-blocks", "50"})
                .getFirst();
        assertEquals(List.of("Llama-3.1-8B-Instruct"), pod.models());
        assertEquals(Duration.ofMillis(25), pod.timeToFirstToken());
        assertEquals(Duration.ofNanos(100_000), pod.prefillTimePerToken());
        assertEquals(50, pod.kvCacheBlocks(), "the flag wins over the file");
        assertFalse(pod.prefixCaching());
        assertEquals(List.of("a", "b"), pod.loraAdapters());

        Path properties = dir.resolve("bench.properties");
        Files.writeString(properties, "itl-ms = 8\nitl-us-per-seq=80\n");
        SimulatorConfig fromProperties =
                CommandLine.parse(new String[] {"--profile=" + properties}).getFirst();
        assertEquals(Duration.ofMillis(8), fromProperties.interTokenLatency());
        assertEquals(Duration.ofNanos(80_000), fromProperties.interTokenLatencyPerSequence());
    }

    @Test
    void theBuiltInProfileModelsAn8bModelOnOneH100() throws Exception {
        SimulatorConfig pod = CommandLine.parse(new String[] {"--profile", "llama-3.1-8b-h100"})
                .getFirst();
        assertEquals(Duration.ofMillis(25), pod.timeToFirstToken());
        assertEquals(Duration.ofNanos(100_000), pod.prefillTimePerToken());
        assertEquals(Duration.ofMillis(8), pod.interTokenLatency());
        assertEquals(Duration.ofNanos(80_000), pod.interTokenLatencyPerSequence());
        assertEquals(Duration.ofMillis(100), pod.loraLoadTime());
        assertEquals(256, pod.maxRunning());
        assertEquals(27_000, pod.kvCacheBlocks());
        assertEquals(16, pod.blockSize());
        assertTrue(pod.prefixCaching());
        assertEquals(List.of("Qwen2.5-0.5B-Instruct"), pod.models(), "the profile leaves the model name alone");
    }

    @Test
    void badProfilesAreExplained(@TempDir Path dir) throws Exception {
        Path unknownKey = dir.resolve("p.yaml");
        Files.writeString(unknownKey, "gpus: 2\n");
        assertTrue(assertThrows(
                        CommandLine.UsageException.class,
                        () -> CommandLine.parse(new String[] {"--profile", unknownKey.toString()}))
                .getMessage()
                .contains("unknown key 'gpus'"));
        Path nested = dir.resolve("q.yaml");
        Files.writeString(nested, "profile: other.yaml\n");
        assertTrue(assertThrows(
                        CommandLine.UsageException.class,
                        () -> CommandLine.parse(new String[] {"--profile", nested.toString()}))
                .getMessage()
                .contains("unknown key 'profile'"));
        assertTrue(assertThrows(
                        CommandLine.UsageException.class,
                        () -> CommandLine.parse(new String[] {
                            "--profile", dir.resolve("missing.yaml").toString()
                        }))
                .getMessage()
                .contains("llama-3.1-8b-h100"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown flag                      | --gpus 2                                 | unknown
            missing value                     | --pods                                   | needs a value
            not a number                      | --ttft-ms fast                           | must be an integer
            zero pods                         | --pods 0                                 | at least 1
            negative latency                  | --itl-ms -1                              | at least 0
            port out of range                 | --port 70000                             | at most 65535
            pods disagree with hosts          | --pods 2 --hosts 127.0.0.2               | does not match
            host and hosts                    | --host 127.0.0.1 --hosts 127.0.0.2       | exclude each other
            empty model name                  | --model a,,b                             | empty name
            flag given twice                  | --port 1 --port 2                        | given twice
            model repeated as adapter         | --model a --lora a                       | listed twice
            too many loopback pods            | --pods 300                               | at most 253
            not a boolean                     | --prefix-cache maybe                     | true or false
            negative prefill cost             | --prefill-us-per-token -5                | at least 0
            cache switch and flag             | --no-prefix-cache --prefix-cache true    | given twice
            """)
    void badArgumentsAreExplained(String reason, String args, String expected) {
        CommandLine.UsageException e =
                assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse(args.split(" ")));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void mainExitsTwoOnBadArgumentsAndZeroOnHelp() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[] {"--bogus"}, print(out), print(err)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown argument '--bogus'"));
        assertEquals(0, Main.run(new String[] {"--max-running", "1", "--help"}, print(out), print(err)));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: simulator [options]"));
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
