package io.infergate.simulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        List<SimulatorConfig> pods = CommandLine.parse(new String[] {"--pods", "3", "--port=9000", "--pod-name-prefix", "vllm"});
        assertEquals(List.of("127.0.0.2", "127.0.0.3", "127.0.0.4"), pods.stream().map(SimulatorConfig::host).toList());
        assertEquals(List.of(9000, 9000, 9000), pods.stream().map(SimulatorConfig::port).toList());
        assertEquals(List.of("vllm-0", "vllm-1", "vllm-2"), pods.stream().map(SimulatorConfig::podName).toList());
    }

    @Test
    void podsOnOneHostGetConsecutivePorts() throws Exception {
        List<SimulatorConfig> pods = CommandLine.parse(new String[] {"--pods", "2", "--host", "127.0.0.1"});
        assertEquals(List.of(8000, 8001), pods.stream().map(SimulatorConfig::port).toList());
    }

    @Test
    void explicitHostsModelsAndTiming() throws Exception {
        List<SimulatorConfig> pods = CommandLine.parse(new String[] {"--hosts", "127.0.0.5,127.0.0.6",
            "--model", "a,b", "--model", "c", "--ttft-ms", "100", "--itl-ms", "0", "--max-running", "2",
            "--max-waiting", "0", "--lora", "x", "--seed", "-3"});
        assertEquals(List.of("127.0.0.5", "127.0.0.6"), pods.stream().map(SimulatorConfig::host).toList());
        SimulatorConfig pod = pods.getFirst();
        assertEquals(List.of("a", "b", "c"), pod.models());
        assertEquals(List.of("x"), pod.loraAdapters());
        assertEquals(Duration.ofMillis(100), pod.timeToFirstToken());
        assertEquals(Duration.ZERO, pod.interTokenLatency());
        assertEquals(2, pod.maxRunning());
        assertEquals(0, pod.maxWaiting());
        assertEquals(-3, pod.seed());
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
            """)
    void badArgumentsAreExplained(String reason, String args, String expected) {
        CommandLine.UsageException e = assertThrows(CommandLine.UsageException.class,
                () -> CommandLine.parse(args.split(" ")));
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
