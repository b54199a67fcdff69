package io.infergate.controller;

import io.infergate.controller.kube.GiePickers;
import io.infergate.controller.kube.KubeApiServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An independent client, the Go driver (.ci/gie-driver, built by {@code .ci/gie-pickers.sh
 * extproc-driver} with the Inference Extension's own request builders), plays Envoy's side of
 * ext_proc against the reference picker (epp v1.5.0) and Infergate's picker on the same pods
 * ({@link PickerPeers}) and prints what a gateway would observe per case. Each test compares the
 * two on the fields a gateway acts on (destination header and {@code envoy.lb} metadata,
 * content-length, the body sent back, the immediate response's status, the response phase); the
 * differences that remain are asserted as such and listed in docs/picker.md.
 */
class PickerDriverIT {

    @RegisterExtension
    static final KubeApiServer API = KubeApiServer.withCrds(KubeApiServer.INFERENCE_EXTENSION);

    static final String DRIVER = "extproc-driver";
    static final List<String> POD_IPS = List.of("127.0.7.1", "127.0.7.2", "127.0.7.3");

    static PickerPeers peers;
    static Path driver;

    @BeforeAll
    static void start() throws Exception {
        var bin = GiePickers.binary(DRIVER);
        if (bin.isEmpty()) {
            System.out.println("SKIPPED PickerDriverIT: " + GiePickers.missing(DRIVER));
        }
        Assumptions.assumeTrue(bin.isPresent(), "extproc-driver not built (see the line above)");
        driver = bin.get();
        peers = PickerPeers.start(API, POD_IPS, "PickerDriverIT");
        // both route a plain request before any case runs (epp has synced the pool, ours has a snapshot)
        for (String picker : List.of("epp", "ours")) {
            await(picker + " routes")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> drive(picker, "body-one-chunk").getBoolean("routed"));
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (peers != null) {
            peers.close();
        }
    }

    /** Runs the driver's cases against one picker; one JSON object per case. */
    static Map<String, JsonObject> drive(String picker, List<String> flags, String... cases)
            throws IOException, InterruptedException {
        int port = picker.equals("epp") ? peers.eppPort : peers.oursPort();
        List<String> cmd = new ArrayList<>(List.of(
                driver.toString(),
                "-addr",
                "127.0.0.1:" + port,
                "-tls",
                "cases",
                "-model",
                PickerPeers.MODEL,
                "-alias",
                "alias",
                "-shed-objective",
                "batch"));
        cmd.addAll(flags);
        cmd.addAll(List.of(cases));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the driver did not end");
        assertEquals(0, p.exitValue(), "driver exit; output: " + out);
        Map<String, JsonObject> byCase = new LinkedHashMap<>();
        for (String line : out.strip().split("\n")) {
            try (JsonReader r = Json.createReader(new StringReader(line))) {
                JsonObject o = r.readObject();
                byCase.put(o.getString("case"), o);
                System.out.println("PickerDriverIT " + picker + ": " + line);
            }
        }
        return byCase;
    }

    static JsonObject drive(String picker, String oneCase) throws IOException, InterruptedException {
        return drive(picker, List.of(), oneCase).get(oneCase);
    }

    /** Both pickers on one case, the reference picker's first. */
    static List<JsonObject> both(String oneCase) throws IOException, InterruptedException {
        return List.of(drive("epp", oneCase), drive("ours", oneCase));
    }

    /** The gateway can route: OK stream, the destination a pool pod, header and metadata equal. */
    static void routedToAPod(JsonObject o) {
        assertEquals("OK", o.getString("grpcCode"), o.toString());
        assertTrue(o.getBoolean("routed"), o.toString());
        String dest = o.getString("destination");
        assertTrue(POD_IPS.stream().anyMatch(ip -> dest.equals(ip + ":" + peers.simPort)), o.toString());
        assertEquals(dest, o.getString("metadata"), "header and envoy.lb metadata agree: " + o);
        assertTrue(o.getBoolean("clearRouteCache"), o.toString());
    }

    /** The body sent back is whole, the same request, and content-length says its length. */
    static void bodyBack(JsonObject o, String model) {
        routedToAPod(o);
        assertTrue(o.getBoolean("bodyEnd"), o.toString());
        assertTrue(o.getBoolean("bodySameJson"), o.toString());
        assertEquals(model, o.getString("bodyModel"), o.toString());
        assertTrue(o.getBoolean("contentLengthSet"), "content-length is the length sent back: " + o);
    }

    @Test
    void headersOnly() throws Exception {
        for (JsonObject o : both("headers-only")) {
            routedToAPod(o);
            assertEquals(0, o.getInt("bodyAnswers"), o.toString());
            assertEquals("", o.getString("contentLength"), "no body, no content-length: " + o);
        }
    }

    @Test
    void aBodyInOneMessageAndInMany() throws Exception {
        for (String c : List.of("body-one-chunk", "body-many-chunks")) {
            for (JsonObject o : both(c)) {
                bodyBack(o, PickerPeers.MODEL);
            }
        }
        JsonObject many = drive("ours", "body-many-chunks");
        assertTrue(many.getBoolean("bodySameAsSent"), "ours sends the client's bytes back unchanged: " + many);
        assertTrue(many.getInt("bodyAnswers") >= 4, "a 200 KB body goes back in chunks of at most 62,000 bytes");
    }

    @Test
    void aStreamedResponseIsPassedOnWhole() throws Exception {
        for (JsonObject o : both("stream-response")) {
            bodyBack(o, PickerPeers.MODEL);
            JsonObject r = o.getJsonObject("response");
            assertTrue(r.getBoolean("headersAnswered"), o.toString());
            assertTrue(r.getBoolean("bodyEnd"), o.toString());
            assertTrue(r.getBoolean("bodySameAsSent"), "every SSE event reaches the client unchanged: " + o);
            assertEquals(3, r.getInt("bodyAnswers"), "one answer per chunk, as it comes: " + o);
        }
    }

    @Test
    void aJsonResponseIsPassedOnWhole() throws Exception {
        List<JsonObject> both = both("json-response");
        for (JsonObject o : both) {
            bodyBack(o, PickerPeers.MODEL);
            JsonObject r = o.getJsonObject("response");
            assertTrue(r.getBoolean("bodyEnd") && r.getBoolean("bodySameAsSent"), o.toString());
        }
        // the difference (docs/picker.md): the reference picker holds a JSON body back until its
        // end and answers once; ours answers each chunk as it comes
        assertEquals(1, both.get(0).getJsonObject("response").getInt("bodyAnswers"));
        assertEquals(2, both.get(1).getJsonObject("response").getInt("bodyAnswers"));
    }

    @Test
    void aRewrittenModel() throws Exception {
        for (JsonObject o : both("rewrite-rule")) {
            bodyBack(o, PickerPeers.MODEL);
            JsonObject r = o.getJsonObject("response");
            assertTrue(r.getBoolean("bodyEnd"), o.toString());
            assertTrue(
                    r.getString("body").contains("\"model\":\"alias\""),
                    "the client sees the model name it asked for: " + o);
        }
        for (JsonObject o : both("rewrite-header")) {
            bodyBack(o, PickerPeers.MODEL);
        }
    }

    @Test
    void anUnknownModelIsLeftToThePod() throws Exception {
        for (JsonObject o : both("unknown-model")) {
            bodyBack(o, "no-such-model");
        }
    }

    @Test
    void aSheddableRequestToASaturatedPoolIs429() throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<String>>> load = peers.saturate(threads);
            await().atMost(Duration.ofSeconds(10)).until(peers::saturated);
            for (JsonObject o : both("shed")) {
                assertEquals("OK", o.getString("grpcCode"), o.toString());
                assertFalse(o.getBoolean("routed"), o.toString());
                assertEquals(429, o.getInt("immediateStatus"), o.toString());
            }
            for (Future<HttpResponse<String>> f : load) {
                assertEquals(200, f.get().statusCode());
            }
        }
    }

    @Test
    void anOverloadedPicker() throws Exception {
        List<String> hold = List.of("-hold", String.valueOf(PickerPeers.MAX_STREAMS));
        JsonObject epp = drive("epp", hold, "overloaded").get("overloaded");
        JsonObject ours = drive("ours", hold, "overloaded").get("overloaded");
        // the difference (docs/picker.md): the reference picker has no stream bound and routes it;
        // ours refuses the stream at once, so the gateway applies the pool's failure mode
        bodyBack(epp, PickerPeers.MODEL);
        assertEquals("ResourceExhausted", ours.getString("grpcCode"), ours.toString());
        assertFalse(ours.getBoolean("routed"), ours.toString());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> drive("ours", "body-one-chunk").getBoolean("routed"));
    }
}
