package io.infergate.controller.decode;

import io.infergate.controller.folder.Manifests;
import io.infergate.controller.model.ModelRoute;
import io.infergate.controller.model.ModelServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kthena's objects decode with the defaults of its CRDs and are refused where its CRDs refuse them. */
class KthenaDecoderTest {

    @Test
    void defaultsFollowKthenasCrds() {
        Manifests.Result r = Manifests.read("""
                apiVersion: networking.serving.volcano.sh/v1alpha1
                kind: ModelServer
                metadata: {name: s}
                spec:
                  workloadSelector: {matchLabels: {app: x}}
                  workloadPort: {port: 8000}
                  inferenceEngine: SGLang
                ---
                apiVersion: networking.serving.volcano.sh/v1alpha1
                kind: ModelRoute
                metadata: {name: r}
                spec:
                  loraAdapters: [a, b]
                  rules:
                  - modelMatch: {headers: {x-b: {prefix: p}, x-a: {exact: e}}}
                    targetModels: [{modelServerName: s}]
                """);
        assertEquals(List.of(), r.problems());
        ModelServer s = r.state().modelServers().getFirst();
        assertEquals("default", s.meta().namespace());
        assertEquals("http", s.protocol());
        assertEquals(Optional.empty(), s.model());
        assertEquals(Optional.empty(), s.timeout());
        ModelRoute route = r.state().modelRoutes().getFirst();
        assertEquals(List.of("a", "b"), route.names(), "no modelName: the adapters alone");
        ModelRoute.Rule rule = route.rules().getFirst();
        assertEquals(100, rule.targets().getFirst().weight(), "weight defaults to 100");
        assertEquals(
                List.of("x-a", "x-b"),
                rule.headers().stream().map(ModelRoute.Header::name).toList());
        assertEquals(
                ModelRoute.StringMatch.Type.PREFIX,
                rule.headers().get(1).match().type());
    }

    @Test
    void whatKthenasCrdsRefuseIsRefusedWithThePath() {
        Manifests.Result r = Manifests.read("""
                apiVersion: networking.serving.volcano.sh/v1alpha1
                kind: ModelServer
                metadata: {name: engine}
                spec:
                  workloadSelector: {matchLabels: {app: x}}
                  workloadPort: {port: 8000}
                  inferenceEngine: TGI
                ---
                apiVersion: networking.serving.volcano.sh/v1alpha1
                kind: ModelServer
                metadata: {name: protocol}
                spec:
                  workloadSelector: {matchLabels: {app: x}}
                  workloadPort: {port: 8000, protocol: grpc}
                  inferenceEngine: vLLM
                ---
                apiVersion: networking.serving.volcano.sh/v1alpha1
                kind: ModelRoute
                metadata: {name: nameless}
                spec:
                  rules: [{targetModels: [{modelServerName: s}]}]
                ---
                apiVersion: networking.serving.volcano.sh/v1alpha1
                kind: ModelRoute
                metadata: {name: weight}
                spec:
                  modelName: m
                  rules: [{targetModels: [{modelServerName: s, weight: 101}]}]
                ---
                apiVersion: networking.serving.volcano.sh/v1alpha1
                kind: ModelRoute
                metadata: {name: two-kinds}
                spec:
                  modelName: m
                  rules:
                  - modelMatch: {uri: {exact: /v1/completions, prefix: /v1}}
                    targetModels: [{modelServerName: s}]
                """);
        assertTrue(r.state().all().isEmpty(), r.state().toString());
        assertEquals(
                List.of(
                        "ModelServer default/engine: spec.inferenceEngine: must be vLLM or SGLang, is 'TGI'",
                        "ModelServer default/protocol: spec.workloadPort.protocol: must be http or https, is 'grpc'",
                        "ModelRoute default/nameless: spec: modelName and loraAdapters cannot both be empty",
                        "ModelRoute default/weight: spec.rules[0].targetModels[0].weight: must be in 0..100, is 101",
                        "ModelRoute default/two-kinds: spec.rules[0].modelMatch.uri: set exactly one of exact, prefix,"
                                + " regex"),
                r.problems());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "10s, 10000", // Kthena's examples
        "1m30s, 90000", // components add up
        "1.5s, 1500", // Go allows fractions
        "250ms, 250",
        "1h, 3600000"
    })
    void goDurations(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), KthenaDecoder.goDuration(text, "t"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"10", "s", "10x", "-1s", "1s2"})
    void notGoDurations(String text) {
        assertThrows(DecodeException.class, () -> KthenaDecoder.goDuration(text, "t"));
    }
}
