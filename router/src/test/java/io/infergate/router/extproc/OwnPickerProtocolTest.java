package io.infergate.router.extproc;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.stub.StreamObserver;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.common.snapshot.ModelRewrite;
import io.infergate.common.snapshot.Objective;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.router.RouterConfig;
import io.infergate.router.epp.EppServer;
import io.infergate.router.epp.EppSettings;
import io.infergate.router.schedule.PoolSettings;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.infergate.router.testing.Snap.endpoint;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The router's own endpoint picker (docs/adr/0025) driven by the router's own ext_proc client over
 * real sockets (TLS with the picker's self-signed certificate), with simulator pods behind the
 * pool: every protocol case of the Inference Extension's picker protocol.
 */
class OwnPickerProtocolTest {

    private static final String MODEL = "Qwen2.5-0.5B-Instruct";
    private static final PickerSettings CLIENT =
            new PickerSettings(Duration.ofSeconds(10), PickerSettings.Tls.INSECURE, 62_000);
    private static final List<SimulatedPod> PODS = new ArrayList<>();
    private static final List<String> KEYS = new ArrayList<>();
    private static SimulatedPod slow;
    private static String slowKey;
    private static RouterFixture router;
    private static EppServer picker;
    private static PickerChannels channels;
    private static String slowId;

    @BeforeAll
    static void start() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SimulatedPod pod = SimulatedPod.start(SimulatorConfig.builder()
                    .podName("own-" + i)
                    .models(MODEL)
                    .timeToFirstToken(Duration.ofMillis(1))
                    .interTokenLatency(Duration.ofMillis(1))
                    .build());
            PODS.add(pod);
            endpoints.add(endpoint("127.0.0.1", pod.port(), pod.podName()));
            KEYS.add("127.0.0.1:" + pod.port());
        }
        slow = SimulatedPod.start(SimulatorConfig.builder()
                .podName("own-slow")
                .models(MODEL)
                .maxRunning(1)
                .maxWaiting(100)
                .timeToFirstToken(Duration.ofMillis(5))
                .interTokenLatency(Duration.ofMillis(100))
                .build());
        slowKey = "127.0.0.1:" + slow.port();
        router = RouterFixture.start(RouterConfig.defaults("127.0.0.1", 0, RouterFixture.TOKEN)
                .withPools(PoolSettings.defaults()
                        .withPicker(EppSettings.loopback(EppSettings.Tls.SELF_SIGNED)
                                .withMaxStreams(3))));
        picker = router.app().picker().orElseThrow();
        var sims = new Backend.InferencePool(
                Backend.InferencePool.idOf("default", "sims"),
                "default",
                "sims",
                Backend.AppProtocol.HTTP,
                endpoints,
                Optional.of(new Backend.EndpointPicker("127.0.0.1", picker.port(), false)),
                List.of(new ModelRewrite(
                        "inferencemodelrewrite/default/alias",
                        List.of("alias"),
                        List.of(new ModelRewrite.Target(MODEL, 1)))));
        var slowPool = new Backend.InferencePool(
                Backend.InferencePool.idOf("default", "slow"),
                "default",
                "slow",
                Backend.AppProtocol.HTTP,
                List.of(endpoint("127.0.0.1", slow.port(), slow.podName())),
                Optional.empty());
        slowId = slowPool.id();
        Http.Reply put = router.put(new Snapshot(
                Snapshot.SCHEMA_VERSION,
                List.of(),
                List.of(),
                List.of(sims, slowPool),
                List.of(new Objective("inferenceobjective/default/batch", "default", "batch", slowId, -1))));
        assertEquals(200, put.status(), put.body());
        channels = new PickerChannels(CLIENT);
    }

    @AfterAll
    static void stop() {
        channels.close();
        router.close();
        PODS.forEach(SimulatedPod::close);
        slow.close();
    }

    private static byte[] completion(String model, String prompt) {
        return ("{\"model\":\"" + model + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":2}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static PickerRequest request(
            String method, String path, List<Map.Entry<String, String>> headers, byte[] body) {
        return new PickerRequest(method, path, "llm.test", "https", headers, body);
    }

    private static Decision ask(PickerRequest r) throws InterruptedException {
        return new PickerClient(CLIENT).ask(channels.channel("127.0.0.1", picker.port()), r);
    }

    private static Decision.Route routed(PickerRequest r) throws InterruptedException {
        Decision d = ask(r);
        return assertInstanceOf(Decision.Route.class, d, d.toString());
    }

    private static Map<String, String> setHeaders(Decision.Route r) {
        return r.setHeaders().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Test
    void headersOnlyIsAnsweredOnItsHeadersWithAPoolEndpointInHeaderAndMetadataAlike() throws Exception {
        LinkedBlockingQueue<ProcessingResponse> answers = new LinkedBlockingQueue<>();
        StreamObserver<ProcessingRequest> out = ExternalProcessorGrpc.newStub(
                        channels.channel("127.0.0.1", picker.port()))
                .process(new StreamObserver<>() {
                    @Override
                    public void onNext(ProcessingResponse value) {
                        answers.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                });
        HeaderMap.Builder headers = HeaderMap.newBuilder();
        PickerClient.add(headers, ":method", "GET");
        PickerClient.add(headers, ":path", "/v1/models");
        out.onNext(ProcessingRequest.newBuilder()
                .setRequestHeaders(HttpHeaders.newBuilder().setHeaders(headers).setEndOfStream(true))
                .build());
        ProcessingResponse first = answers.poll(10, TimeUnit.SECONDS);
        out.onCompleted();
        assertNotNull(first, "answered without a body");
        assertTrue(first.hasRequestHeaders(), first.toString());
        String header = first.getRequestHeaders().getResponse().getHeaderMutation().getSetHeadersList().stream()
                .filter(h -> h.getHeader().getKey().equals(Answers.DESTINATION))
                .map(h -> h.getHeader().getRawValue().toStringUtf8())
                .findFirst()
                .orElseThrow();
        assertEquals(
                Optional.of(header), Answers.destinationIn(first.getDynamicMetadata()), "header and metadata agree");
        assertTrue(KEYS.contains(header), header + " is an endpoint of the pool");
        Decision.Route r = routed(request("GET", "/v1/models", List.of(), new byte[0]));
        assertTrue(r.body().isEmpty(), "no body phase, no body answer");
    }

    @Test
    void aBodyInOneChunkComesBackUnchangedWithItsLength() throws Exception {
        byte[] body = completion(MODEL, "hello");
        Decision.Route r = routed(
                request("POST", "/v1/completions", List.of(Map.entry("content-type", "application/json")), body));
        assertEquals(1, r.endpoints().size());
        assertTrue(KEYS.contains(r.endpoints().getFirst()), r.endpoints().toString());
        assertArrayEquals(body, r.body().orElseThrow());
        assertEquals(Integer.toString(body.length), setHeaders(r).get("content-length"));
    }

    @Test
    void aBodyInManyChunksIsReadWholeAndSentBackInChunks() throws Exception {
        byte[] body = completion(MODEL, "a".repeat(200_000));
        Decision.Route r = routed(request("POST", "/v1/completions", List.of(), body));
        assertTrue(KEYS.contains(r.endpoints().getFirst()), r.endpoints().toString());
        assertArrayEquals(body, r.body().orElseThrow(), "4 chunks in, the same bytes back");
    }

    @Test
    void theModelIsRewrittenInTheBodyAndControlHeadersAreStripped() throws Exception {
        Decision.Route r = routed(request(
                "POST",
                "/v1/completions",
                List.of(
                        Map.entry("x-gateway-inference-objective", "none"),
                        Map.entry("x-gateway-model-name-rewrite", MODEL)),
                completion("alias", "hello")));
        String sent = new String(r.body().orElseThrow(), StandardCharsets.UTF_8);
        assertTrue(sent.contains("\"model\":\"" + MODEL + "\""), sent);
        assertEquals(
                Integer.toString(r.body().orElseThrow().length), setHeaders(r).get("content-length"));
        assertTrue(
                r.removeHeaders().containsAll(List.of("x-gateway-inference-objective", "x-gateway-model-name-rewrite")),
                r.removeHeaders().toString());
    }

    @Test
    void anUnknownModelIsRoutedAndLeftToTheModelServer() throws Exception {
        Decision.Route r = routed(request("POST", "/v1/completions", List.of(), completion("no-such-model", "hi")));
        assertTrue(KEYS.contains(r.endpoints().getFirst()));
    }

    @Test
    void aBadBodyIs400() throws Exception {
        Decision.Immediate i = assertInstanceOf(
                Decision.Immediate.class,
                ask(request("POST", "/v1/completions", List.of(), "{\"model\":7}".getBytes(StandardCharsets.UTF_8))));
        assertEquals(400, i.status());
        assertTrue(new String(i.body(), StandardCharsets.UTF_8).contains("invalid_request"));
    }

    @Test
    void theSubsetHintIsHonouredAndAHintOutsideEveryPoolIs503() throws Exception {
        for (int i = 0; i < 5; i++) {
            Decision.Route r = assertInstanceOf(
                    Decision.Route.class,
                    new PickerClient(CLIENT)
                            .ask(
                                    channels.channel("127.0.0.1", picker.port()),
                                    new PickerRequest(
                                            "POST",
                                            "/v1/completions",
                                            "llm.test",
                                            "https",
                                            List.of(),
                                            completion(MODEL, "hi " + i),
                                            List.of(KEYS.get(2)))));
            assertEquals(List.of(KEYS.get(2)), r.endpoints());
        }
        Decision.Immediate none = assertInstanceOf(
                Decision.Immediate.class,
                new PickerClient(CLIENT)
                        .ask(
                                channels.channel("127.0.0.1", picker.port()),
                                new PickerRequest(
                                        "POST",
                                        "/v1/completions",
                                        "llm.test",
                                        "https",
                                        List.of(),
                                        completion(MODEL, "hi"),
                                        List.of("10.9.9.9:8000"))));
        assertEquals(503, none.status());
    }

    @Test
    void aSheddableRequestToASaturatedPoolIs429AtOnce() throws Exception {
        PickerRequest batch = new PickerRequest(
                "POST",
                "/v1/completions",
                "llm.test",
                "https",
                List.of(Map.entry("x-gateway-inference-objective", "batch")),
                completion(MODEL, "shed me"),
                List.of(slowKey));
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Http.Reply>> load = new ArrayList<>();
            String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"max_tokens\":8}";
            for (int i = 0; i < 7; i++) { // 1 running, 6 waiting: saturated (waiting/5 >= 1)
                load.add(threads.submit(() -> router.http().post(slow.port(), "pod", "/v1/completions", body)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> router.app().poolSaturated(slowId));
            Decision.Immediate shed = assertInstanceOf(Decision.Immediate.class, ask(batch));
            assertEquals(429, shed.status());
            assertTrue(new String(shed.body(), StandardCharsets.UTF_8).contains("pool_saturated"));
            assertTrue(
                    shed.headers().contains(Map.entry("retry-after", "1")),
                    shed.headers().toString());
            for (Future<Http.Reply> f : load) {
                assertEquals(200, f.get().status());
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ask(batch) instanceof Decision.Route);
    }

    @Test
    void beyondItsStreamBoundThePickerRefusesNewStreamsAtOnce() throws Exception {
        await().atMost(Duration.ofSeconds(5)).until(() -> picker.openStreams() == 0);
        List<ResponsePhase> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                PickerClient.Asked a = new PickerClient(CLIENT)
                        .askKeepingStream(
                                channels.channel("127.0.0.1", picker.port()),
                                request("POST", "/v1/completions", List.of(), completion(MODEL, "hold " + i)));
                assertInstanceOf(Decision.Route.class, a.decision());
                held.add(a.phase());
            }
            Decision.Failed f = assertInstanceOf(
                    Decision.Failed.class,
                    ask(request("POST", "/v1/completions", List.of(), completion(MODEL, "one more"))));
            assertTrue(f.reason().contains("RESOURCE_EXHAUSTED"), f.reason());
        } finally {
            held.forEach(ResponsePhase::close);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> picker.openStreams() == 0);
        routed(request("POST", "/v1/completions", List.of(), completion(MODEL, "after")));
    }

    @Test
    void usageIsReadFromAStreamedResponseAndTheServedEndpointIsFedBack() throws Exception {
        String model = "usage-probe";
        PickerClient.Asked a = new PickerClient(CLIENT)
                .askKeepingStream(
                        channels.channel("127.0.0.1", picker.port()),
                        request(
                                "POST",
                                "/v1/completions",
                                List.of(),
                                ("{\"model\":\"" + model + "\",\"prompt\":\"p\",\"stream\":true}")
                                        .getBytes(StandardCharsets.UTF_8)));
        Decision.Route r = assertInstanceOf(Decision.Route.class, a.decision());
        String other = KEYS.stream()
                .filter(k -> !k.equals(r.endpoints().getFirst()))
                .findFirst()
                .orElseThrow();
        try (ResponsePhase phase = a.phase()) {
            phase.responseHeaders(200, List.of(Map.entry("content-type", "text/event-stream")), other);
            byte[] events = ("data: {\"choices\":[{\"text\":\"a\"}]}\n\n"
                            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}\n\n"
                            + "data: [DONE]\n\n")
                    .getBytes(StandardCharsets.UTF_8);
            phase.responseBody(events, 0, 20, false);
            phase.responseBody(events, 20, events.length - 20, true);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String metrics = router.http()
                    .get(router.internalPort(), "localhost", "/observe/metrics")
                    .body();
            assertTrue(
                    metrics.lines()
                            .anyMatch(l -> l.startsWith("inference_objective_output_tokens_sum{")
                                    && l.contains("model_name=\"" + model + "\"")
                                    && l.endsWith(" 3.0")),
                    "completion tokens read from the stream");
            assertTrue(
                    metrics.lines()
                            .anyMatch(l -> l.startsWith("inference_objective_input_tokens_sum{")
                                    && l.contains("model_name=\"" + model + "\"")
                                    && l.endsWith(" 7.0")),
                    "prompt tokens read from the stream");
            assertTrue(
                    metrics.lines()
                            .anyMatch(l ->
                                    l.startsWith("infergate_picker_served_elsewhere_total") && !l.endsWith(" 0.0")),
                    "the served endpoint differed from the pick and was fed back");
        });
    }

    /**
     * A request sent upstream under another model name: the client gets its own name back in the
     * response, as from the router's own listeners and from the reference picker. A JSON body is
     * held to its end and answered once, rewritten, and the server's content-length is removed (the
     * length changes); SSE events are rewritten as they pass.
     */
    @Test
    void aRewrittenRequestsResponseNamesTheModelTheClientAskedFor() throws Exception {
        String json = "{\"id\":\"c\",\"model\":\"" + MODEL + "\",\"choices\":[{\"text\":\"hi\"}]}";
        List<ProcessingResponse> answers = rawExchange(
                completion("alias", "rewrite me"),
                List.of(Map.entry("content-type", "application/json"), Map.entry("content-length", "" + json.length())),
                List.of(json.substring(0, 10), json.substring(10)));
        ProcessingResponse headers = answers.stream()
                .filter(ProcessingResponse::hasResponseHeaders)
                .findFirst()
                .orElseThrow();
        assertEquals(
                List.of("content-length"),
                headers.getResponseHeaders().getResponse().getHeaderMutation().getRemoveHeadersList());
        List<String> bodies = responseBodies(answers);
        assertEquals(1, bodies.size(), "held to its end: " + bodies);
        assertTrue(bodies.getFirst().contains("\"model\":\"alias\""), bodies.getFirst());

        String sse = "data: {\"model\":\"" + MODEL + "\",\"choices\":[{\"text\":\"a\"}]}\n\ndata: [DONE]\n\n";
        List<ProcessingResponse> streamed = rawExchange(
                "{\"model\":\"alias\",\"prompt\":\"p\",\"stream\":true}".getBytes(StandardCharsets.UTF_8),
                List.of(Map.entry("content-type", "text/event-stream")),
                List.of(sse.substring(0, 30), sse.substring(30)));
        String back = String.join("", responseBodies(streamed));
        assertEquals(sse.replace(MODEL, "alias"), back);
    }

    /** The answers' response bodies, in order. */
    private static List<String> responseBodies(List<ProcessingResponse> answers) {
        return answers.stream()
                .filter(ProcessingResponse::hasResponseBody)
                .map(a -> a.getResponseBody()
                        .getResponse()
                        .getBodyMutation()
                        .getStreamedResponse()
                        .getBody()
                        .toStringUtf8())
                .toList();
    }

    /**
     * One whole exchange on a raw stream, as Envoy plays it: a POST to /v1/completions with
     * {@code body} (rewritten by the {@code x-gateway-model-name-rewrite} header to the served
     * model), then a 200 response with {@code headers} and the body in {@code chunks}; every answer
     * up to the response body's end.
     */
    private static List<ProcessingResponse> rawExchange(
            byte[] body, List<Map.Entry<String, String>> headers, List<String> chunks) throws InterruptedException {
        LinkedBlockingQueue<ProcessingResponse> answers = new LinkedBlockingQueue<>();
        StreamObserver<ProcessingRequest> out = ExternalProcessorGrpc.newStub(
                        channels.channel("127.0.0.1", picker.port()))
                .process(new StreamObserver<>() {
                    @Override
                    public void onNext(ProcessingResponse value) {
                        answers.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                });
        HeaderMap.Builder request = HeaderMap.newBuilder();
        PickerClient.add(request, ":method", "POST");
        PickerClient.add(request, ":path", "/v1/completions");
        PickerClient.add(request, "x-gateway-model-name-rewrite", MODEL);
        out.onNext(ProcessingRequest.newBuilder()
                .setRequestHeaders(HttpHeaders.newBuilder().setHeaders(request))
                .build());
        out.onNext(ProcessingRequest.newBuilder()
                .setRequestBody(
                        HttpBody.newBuilder().setBody(ByteString.copyFrom(body)).setEndOfStream(true))
                .build());
        HeaderMap.Builder response = HeaderMap.newBuilder();
        PickerClient.add(response, ":status", "200");
        headers.forEach(h -> PickerClient.add(response, h.getKey(), h.getValue()));
        out.onNext(ProcessingRequest.newBuilder()
                .setResponseHeaders(HttpHeaders.newBuilder().setHeaders(response))
                .build());
        for (int i = 0; i < chunks.size(); i++) {
            out.onNext(ProcessingRequest.newBuilder()
                    .setResponseBody(HttpBody.newBuilder()
                            .setBody(ByteString.copyFromUtf8(chunks.get(i)))
                            .setEndOfStream(i == chunks.size() - 1))
                    .build());
        }
        List<ProcessingResponse> got = new ArrayList<>();
        while (got.stream()
                .noneMatch(a -> a.hasResponseBody()
                        && a.getResponseBody()
                                .getResponse()
                                .getBodyMutation()
                                .getStreamedResponse()
                                .getEndOfStream())) {
            ProcessingResponse a = answers.poll(10, TimeUnit.SECONDS);
            assertNotNull(a, "an answer within 10 s; so far " + got);
            got.add(a);
        }
        out.onCompleted();
        return got;
    }
}
