package io.infergate.controller.translate;

import io.infergate.common.snapshot.SnapshotDecoder;
import io.infergate.common.snapshot.SnapshotJson;
import io.infergate.common.snapshot.SnapshotValidator;
import io.infergate.controller.folder.Manifests;
import io.infergate.controller.model.ClusterState;
import io.infergate.controller.model.KubeObject;
import io.infergate.controller.status.StatusJson;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Golden translator tests: {@code translate/<case>.in.yaml} (standard manifests, a leading comment
 * saying what the case proves) must translate to exactly {@code <case>.out.yaml} (the snapshot in
 * its wire form and the planned status of every object, before any router acknowledges).
 * Regenerate with {@code -Dgolden.update=true} and review the diff; an output without its input
 * fails the build.
 *
 * <p>Cases translate as local mode does, unless a comment line of the input says
 * {@code # translate: per-gateway-ports <start> <size> [every-gateway] [<ns>/<gateway>=<address> ...]}:
 * then as cluster mode does ({@link Isolation#perGateway}; {@code every-gateway} as with
 * --service-per-gateway), with those Service addresses, and the output lists the Services the
 * controller would maintain.
 */
class TranslatorGoldenTest {

    private static final Path DIR = Path.of("src/test/resources/translate");
    private static final TranslatorConfig CONFIG =
            new TranslatorConfig(TranslatorConfig.DEFAULT_CONTROLLER_NAME, List.of("127.0.0.1"));

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".in.yaml"))
                    .map(n -> n.substring(0, n.length() - ".in.yaml".length()))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void translatesToGolden(String name) throws IOException {
        String input = Files.readString(DIR.resolve(name + ".in.yaml"), StandardCharsets.UTF_8);
        assertTrue(input.startsWith("#"), name + ".in.yaml must start with a comment saying what the case proves");
        Manifests.Result read = Manifests.read(input);
        assertEquals(List.of(), read.problems(), "the input manifests must all decode");
        Translation t = Translator.translate(read.state(), config(input));
        assertEquals(
                List.of(), SnapshotValidator.validate(t.snapshot()), "the snapshot must pass the router's validation");
        // The router decodes the wire form before validating it: the snapshot must survive that too.
        var decoded = SnapshotDecoder.decode(SnapshotJson.toJson(t.snapshot()));
        assertEquals(
                new SnapshotDecoder.Result.Ok(t.snapshot(), SnapshotJson.contentId(t.snapshot())),
                decoded,
                "the snapshot must decode back to itself on the router");

        String actual = render(name, t);
        Path golden = DIR.resolve(name + ".out.yaml");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        if (!Files.exists(golden)) {
            fail(golden + " is missing; run with -Dgolden.update=true to create it, then review it");
        }
        assertEquals(
                Files.readString(golden, StandardCharsets.UTF_8),
                actual,
                "translation of " + name + " changed; rerun with -Dgolden.update=true if intended and review the diff");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void inputOrderDoesNotMatter(String name) throws IOException {
        ClusterState state = Manifests.read(Files.readString(DIR.resolve(name + ".in.yaml"), StandardCharsets.UTF_8))
                .state();
        List<KubeObject> shuffled = new ArrayList<>(state.all());
        Collections.shuffle(shuffled, new Random(42));
        TranslatorConfig config = config(Files.readString(DIR.resolve(name + ".in.yaml"), StandardCharsets.UTF_8));
        Translation a = Translator.translate(state, config);
        Translation b = Translator.translate(ClusterState.of(shuffled), config);
        assertEquals(SnapshotJson.toJson(a.snapshot()), SnapshotJson.toJson(b.snapshot()));
        assertEquals(a.plan(), b.plan());
        assertEquals(a.services(), b.services());
    }

    /**
     * A listener the controller serves on a reserved router port carries, as its public port, the
     * port its Gateway's Service maps to that router port (what clients use, and what a redirect
     * without port must say: upstream HTTPRouteRedirectPortAndScheme); every other listener has
     * none. Checked on every case, independently of the golden files.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void remappedListenersCarryTheirServicePort(String name) throws IOException {
        String input = Files.readString(DIR.resolve(name + ".in.yaml"), StandardCharsets.UTF_8);
        Translation t = Translator.translate(Manifests.read(input).state(), config(input));
        Map<String, Map<Integer, Integer>> publicByRouterPort = new LinkedHashMap<>();
        for (GatewayService s : t.services()) {
            Map<Integer, Integer> ports = publicByRouterPort.computeIfAbsent(
                    io.infergate.common.snapshot.Gateway.idOf(s.namespace(), s.name()), k -> new LinkedHashMap<>());
            s.ports().forEach(p -> ports.put(p.routerPort(), p.port()));
        }
        for (var gw : t.snapshot().gateways()) {
            Map<Integer, Integer> remapped = publicByRouterPort.getOrDefault(gw.id(), Map.of());
            for (var l : gw.listeners()) {
                assertEquals(
                        java.util.Optional.ofNullable(remapped.get(l.port())),
                        l.publicPort(),
                        gw.id() + "/" + l.name() + " on router port " + l.port());
            }
        }
    }

    /** The translator configuration a case asks for (see the class comment). */
    static TranslatorConfig config(String input) {
        String marker = "# translate: per-gateway-ports ";
        return input.lines()
                .filter(l -> l.startsWith(marker))
                .findFirst()
                .map(line -> {
                    String[] words = line.substring(marker.length()).trim().split("\\s+");
                    Map<String, List<String>> addresses = new LinkedHashMap<>();
                    boolean everyGateway = false;
                    for (int i = 2; i < words.length; i++) {
                        if (words[i].equals("every-gateway")) {
                            everyGateway = true;
                            continue;
                        }
                        String[] kv = words[i].split("=", 2);
                        addresses.put(kv[0], List.of(kv[1]));
                    }
                    return CONFIG.withIsolation(
                            Isolation.perGateway(Integer.parseInt(words[0]), Integer.parseInt(words[1]))
                                    .withEveryGateway(everyGateway)
                                    .withServiceAddresses(addresses));
                })
                .orElse(CONFIG);
    }

    @Test
    void everyOutputHasAnInput() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            List<String> orphans = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".out.yaml"))
                    .filter(n -> !Files.exists(DIR.resolve(n.replace(".out.yaml", ".in.yaml"))))
                    .toList();
            assertEquals(List.of(), orphans, "golden outputs without an input");
        }
    }

    /** YAML with a stable layout: the snapshot's wire form, then every planned status in plan order. */
    static String render(String name, Translation t) {
        Map<String, Object> doc = new LinkedHashMap<>();
        try (var reader = Json.createReader(new StringReader(SnapshotJson.toJson(t.snapshot())))) {
            doc.put("snapshot", plain(reader.readObject()));
        }
        doc.put("status", plain(StatusJson.objects(t.plan()).build()));
        if (!t.services().isEmpty()) {
            List<Object> services = new ArrayList<>();
            for (GatewayService s : t.services()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("gateway", s.namespace() + "/" + s.name());
                List<Object> ports = new ArrayList<>();
                for (GatewayService.Port p : s.ports()) {
                    Map<String, Object> port = new LinkedHashMap<>();
                    port.put("port", (long) p.port());
                    port.put("routerPort", (long) p.routerPort());
                    ports.add(port);
                }
                m.put("ports", ports);
                services.add(m);
            }
            doc.put("gatewayServices", services);
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setWidth(Integer.MAX_VALUE);
        options.setSplitLines(false);
        return "# Generated from " + name + ".in.yaml by TranslatorGoldenTest: the snapshot and the planned status.\n"
                + "# Do not edit; regenerate with -Dgolden.update=true and review the diff.\n"
                + new Yaml(options).dump(doc);
    }

    private static Object plain(JsonValue v) {
        return switch (v.getValueType()) {
            case OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                ((JsonObject) v).forEach((k, x) -> m.put(k, plain(x)));
                yield m;
            }
            // Fresh lists: SnakeYAML would write a shared (empty) instance as an anchor and aliases.
            case ARRAY ->
                new ArrayList<>(((JsonArray) v)
                        .stream().map(TranslatorGoldenTest::plain).toList());
            case STRING -> ((JsonString) v).getString();
            case NUMBER -> ((JsonNumber) v).longValueExact();
            case TRUE -> true;
            case FALSE -> false;
            case NULL -> null;
        };
    }
}
