package io.infergate.common.snapshot;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad snapshots are answered with every violation and its path, never an exception: the router
 * shows them to whoever pushed, and keeps serving its current snapshot.
 */
class SnapshotViolationsTest {

    static Stream<Arguments> cases() {
        String good = SnapshotJson.toJson(Samples.full()).replaceFirst("\"id\":\"sha256:[0-9a-f]+\",", "");
        return Stream.of(
                Arguments.of("not JSON at all", "{nope", ""),
                Arguments.of("a JSON array is not a snapshot", "[]", ""),
                Arguments.of(
                        "future schema version",
                        good.replace("\"schemaVersion\":1", "\"schemaVersion\":99"),
                        "/schemaVersion"),
                Arguments.of(
                        "listener port out of range",
                        good.replace("\"port\":8081", "\"port\":70000"),
                        "/gateways/0/listeners/1/port"),
                Arguments.of(
                        "listener public port out of range",
                        good.replace("\"publicPort\":80", "\"publicPort\":0"),
                        "/gateways/0/listeners/1/publicPort"),
                Arguments.of(
                        "listener public port not a number",
                        good.replace("\"publicPort\":80", "\"publicPort\":\"80\""),
                        "/gateways/0/listeners/1/publicPort"),
                Arguments.of(
                        "HTTPS listener without certificates",
                        good.replace("\"protocol\":\"HTTP\"", "\"protocol\":\"HTTPS\""),
                        "/gateways/0/listeners/0/certificates"),
                Arguments.of(
                        "HTTPS listener naming a certificate the snapshot lacks",
                        good.replace(
                                "\"protocol\":\"HTTP\"",
                                "\"protocol\":\"HTTPS\",\"certificates\":[\"secret/default/missing\"]"),
                        "/gateways/0/listeners/0/certificates/0"),
                Arguments.of(
                        "certificate whose PEM does not parse",
                        good.replace(
                                        "\"protocol\":\"HTTP\"",
                                        "\"protocol\":\"HTTPS\",\"certificates\":[\"secret/default/bad\"]")
                                .replace(
                                        "\"schemaVersion\":1",
                                        "\"schemaVersion\":1,\"certificates\":[{\"id\":\"secret/default/bad\","
                                                + "\"certificateChain\":\"nope\",\"privateKey\":\"nope\"}]"),
                        "/certificates/0"),
                Arguments.of(
                        "two listeners with one hostname on one port of the router's address",
                        good.replace("\"port\":8081", "\"port\":8080")
                                .replaceFirst(
                                        "(\"name\":\"http\",\"port\":8080,\"protocol\":\"HTTP\")",
                                        "$1,\"hostname\":\"*.example.com\""),
                        "/gateways/0/listeners/1/hostname"),
                Arguments.of(
                        "hostnames on one socket compare case-insensitively",
                        good.replace("\"port\":8081", "\"port\":8080")
                                .replace("\"hostname\":\"*.example.com\"", "\"hostname\":\"API.example.com\"")
                                .replaceFirst(
                                        "(\"name\":\"http\",\"port\":8080,\"protocol\":\"HTTP\")",
                                        "$1,\"hostname\":\"api.example.com\""),
                        "/gateways/0/listeners/1/hostname"),
                Arguments.of(
                        "unknown path match type",
                        good.replace("\"type\":\"EXACT\"", "\"type\":\"GLOB\""),
                        "/routes/0/rules/1/matches/0/path/type"),
                Arguments.of(
                        "regex that does not compile",
                        good.replace("/re/.*", "/re/(["),
                        "/routes/0/rules/1/matches/1/path/value"),
                Arguments.of(
                        "backendRef to a backend not in the snapshot",
                        good.replace(
                                "\"backend\":\"inferencepool/default/kthena-demo\"",
                                "\"backend\":\"inferencepool/default/gone\""),
                        "/routes/0/rules/0/backends/0/backend"),
                Arguments.of(
                        "route attached to a listener that does not exist",
                        good.replace("\"listener\":\"http\"", "\"listener\":\"nope\""),
                        "/routes/0/parents/0"),
                Arguments.of(
                        "redirect status code outside the spec",
                        good.replace("\"statusCode\":301", "\"statusCode\":200"),
                        "/routes/0/rules/2/filters/0/statusCode"),
                Arguments.of(
                        "negative weight",
                        good.replace("\"weight\":3", "\"weight\":-3"),
                        "/routes/0/rules/1/backends/0/weight"),
                Arguments.of(
                        "unknown filter type",
                        good.replace("\"type\":\"URLRewrite\"", "\"type\":\"CORS\""),
                        "/routes/0/rules/1/filters/2/type"),
                Arguments.of(
                        "missing required field",
                        good.replace(
                                "\"namespace\":\"default\",\"name\":\"inference-gateway\"",
                                "\"name\":\"inference-gateway\""),
                        "/gateways/0/namespace"),
                Arguments.of(
                        "model rewrite target weight 0",
                        good.replace("\"weight\":90", "\"weight\":0"),
                        "/backends/0/modelRewrites/0/targets/0/weight"),
                Arguments.of(
                        "model rewrite rule without targets",
                        good.replace(
                                "\"targets\":[{\"model\":\"Qwen2.5-0.5B-Instruct\",\"weight\":1}]", "\"targets\":[]"),
                        "/backends/0/modelRewrites/1/targets"),
                Arguments.of(
                        "model rewrite with a blank model",
                        good.replace("\"models\":[\"food-review\"]", "\"models\":[\" \"]"),
                        "/backends/0/modelRewrites/0/models/0"),
                Arguments.of(
                        "duplicate ids",
                        good.replace("inferenceobjective/default/critical", "inferencepool/default/kthena-demo"),
                        "/objectives/0/id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectedWithPath(String reason, String json, String expectedPath) {
        var result = SnapshotDecoder.decode(json);
        List<Violation> violations = switch (result) {
            case SnapshotDecoder.Result.Invalid invalid -> invalid.violations();
            case SnapshotDecoder.Result.Ok ok -> SnapshotValidator.validate(ok.snapshot());
        };
        assertTrue(
                violations.stream().anyMatch(v -> v.path().equals(expectedPath)),
                () -> reason + ": expected a violation at '" + expectedPath + "', got " + violations);
    }
}
