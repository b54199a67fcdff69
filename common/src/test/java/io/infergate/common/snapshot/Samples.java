package io.infergate.common.snapshot;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A snapshot that uses every record and every filter kind, for codec and validation tests. */
final class Samples {
    private Samples() {}

    static Snapshot full() {
        String gw = Gateway.idOf("default", "inference-gateway");
        String pool = Backend.InferencePool.idOf("default", "kthena-demo");
        String echo = Backend.Service.idOf("default", "echo", 8080);
        Map<String, String> labels = Map.of("workload.serving.volcano.sh/model-name", "demo", "app", "sim");
        Rule inference = new Rule(
                "httproute/default/kthena-demo-route/rule/0",
                List.of(Match.defaultMatch()),
                List.of(),
                List.of(new BackendRef(Optional.of(pool), 1, List.of())),
                new Timeouts(Optional.of(Duration.ofMinutes(5)), Optional.empty()));
        Rule filtered = new Rule(
                "httproute/default/kthena-demo-route/rule/1",
                List.of(
                        new Match(
                                new PathMatch(PathMatch.Type.EXACT, "/echo"),
                                Optional.of("GET"),
                                List.of(new ValueMatch(ValueMatch.Type.EXACT, "x-env", "canary")),
                                List.of(new ValueMatch(ValueMatch.Type.REGULAR_EXPRESSION, "v", "[0-9]+"))),
                        new Match(
                                new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, "/re/.*"),
                                Optional.empty(),
                                List.of(),
                                List.of())),
                List.of(
                        new Filter.RequestHeaderModifier(
                                List.of(new Filter.Header("x-set", "1")),
                                List.of(new Filter.Header("x-add", "2")),
                                List.of("x-remove")),
                        new Filter.ResponseHeaderModifier(
                                List.of(), List.of(new Filter.Header("x-served-by", "infergate")), List.of()),
                        new Filter.UrlRewrite(
                                Optional.of("rewritten.example.com"),
                                Optional.of(
                                        new Filter.PathModifier(Filter.PathModifier.Type.REPLACE_PREFIX_MATCH, "/v2"))),
                        new Filter.RequestMirror(Optional.of(echo), 1, 10)),
                List.of(
                        new BackendRef(Optional.of(echo), 3, List.of()),
                        new BackendRef(
                                Optional.empty(),
                                1,
                                List.of(new Filter.RequestHeaderModifier(List.of(), List.of(), List.of("x-secret"))))),
                new Timeouts(Optional.of(Duration.ofSeconds(10)), Optional.of(Duration.ofMillis(2500))));
        Rule redirect = new Rule(
                "httproute/default/kthena-demo-route/rule/2",
                List.of(new Match(
                        new PathMatch(PathMatch.Type.PATH_PREFIX, "/old"), Optional.empty(), List.of(), List.of())),
                List.of(new Filter.RequestRedirect(
                        Optional.of("https"),
                        Optional.of("new.example.com"),
                        Optional.of(8443),
                        Optional.of(new Filter.PathModifier(Filter.PathModifier.Type.REPLACE_FULL_PATH, "/new")),
                        301)),
                List.of(),
                Timeouts.NONE);
        return new Snapshot(
                Snapshot.SCHEMA_VERSION,
                List.of(new Gateway(
                        gw,
                        "default",
                        "inference-gateway",
                        List.of("127.0.0.1"),
                        List.of(
                                new Listener("http", 8080, Listener.Protocol.HTTP, Optional.empty()),
                                new Listener(
                                        "api",
                                        8081,
                                        Listener.Protocol.HTTP,
                                        Optional.of("*.example.com"),
                                        Optional.of(80))))),
                List.of(new HttpRoute(
                        HttpRoute.idOf("default", "kthena-demo-route"),
                        "default",
                        "kthena-demo-route",
                        "2026-11-26T10:00:00Z",
                        List.of(),
                        List.of(new ListenerRef(gw, "http")),
                        List.of(inference, filtered, redirect))),
                List.of(
                        new Backend.InferencePool(
                                pool,
                                "default",
                                "kthena-demo",
                                Backend.AppProtocol.HTTP,
                                List.of(
                                        new Endpoint("10.0.0.2", 8000, Optional.of("demo-0"), labels),
                                        new Endpoint("10.0.0.3", 8000, Optional.of("demo-1"), labels)),
                                Optional.of(new Backend.EndpointPicker("epp.default.svc", 9002, true)),
                                List.of(
                                        new ModelRewrite(
                                                "inferencemodelrewrite/default/food-review/rule/0",
                                                List.of("food-review"),
                                                List.of(
                                                        new ModelRewrite.Target("food-review-v1", 90),
                                                        new ModelRewrite.Target("food-review-v2", 10))),
                                        new ModelRewrite(
                                                "inferencemodelrewrite/default/fallback/rule/0",
                                                List.of(),
                                                List.of(new ModelRewrite.Target("Qwen2.5-0.5B-Instruct", 1))))),
                        new Backend.Service(
                                echo,
                                "default",
                                "echo",
                                8080,
                                Backend.AppProtocol.H2C,
                                List.of(new Endpoint("fd00::1", 3000, Optional.empty(), Map.of())))),
                List.of(new Objective("inferenceobjective/default/critical", "default", "critical", pool, 10)),
                3);
    }
}
