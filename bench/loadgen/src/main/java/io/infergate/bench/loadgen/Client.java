package io.infergate.bench.loadgen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends one streaming completion and times it with a {@link StreamTimer}: the JDK client hands each
 * line to it as soon as the line is complete, so events are stamped on arrival, without buffering.
 * The whole exchange is bounded by the request timeout (the future is cancelled at the deadline).
 */
public final class Client implements AutoCloseable {

    private final HttpClient http;
    private final Duration timeout;

    public Client(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /**
     * The JSON body of a streaming completion with a usage chunk (prompt and cached tokens: the hit
     * rate, from any server that reports {@code prompt_tokens_details}); the prompt holds letters,
     * spaces and newlines only.
     */
    static String body(String model, String prompt, int maxTokens) {
        return body(model, prompt, maxTokens, true);
    }

    /** As above; {@code stream} false asks for one JSON answer (its usage gives the token counts). */
    static String body(String model, String prompt, int maxTokens, boolean stream) {
        StringBuilder b = new StringBuilder(prompt.length() + 128);
        b.append("{\"model\":\"")
                .append(model)
                .append(
                        stream
                                ? "\",\"stream\":true,\"stream_options\":{\"include_usage\":true}"
                                : "\",\"stream\":false")
                .append(",\"ignore_eos\":true,\"max_tokens\":")
                .append(maxTokens)
                .append(",\"temperature\":0,\"prompt\":\"");
        for (int i = 0; i < prompt.length(); i++) {
            char c = prompt.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.append("\"}").toString();
    }

    /**
     * Sends the request to {@code baseUrl}/v1/completions and reads the answer to its end: a stream
     * event by event, or a non-streamed answer whole ({@link #sendWhole}).
     */
    public Outcome send(Plan.Request request, String baseUrl, String jsonBody) {
        if (!request.stream()) {
            return sendWhole(request, baseUrl, jsonBody);
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/completions"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody))
                .build();
        long start = System.nanoTime();
        StreamTimer timer = new StreamTimer(start, request.maxTokens(), System::nanoTime);
        AtomicReference<HttpResponse.ResponseInfo> info = new AtomicReference<>();
        CompletableFuture<HttpResponse<Void>> f = http.sendAsync(req, ri -> {
            info.set(ri);
            return ri.statusCode() == 200
                    ? HttpResponse.BodySubscribers.fromLineSubscriber(timer, s -> null, StandardCharsets.UTF_8, "\n")
                    : HttpResponse.BodySubscribers.discarding();
        });
        boolean finished = false;
        try {
            f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            finished = true;
        } catch (ExecutionException | TimeoutException e) {
            f.cancel(true);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
        }
        long end = System.nanoTime();
        HttpResponse.ResponseInfo ri = info.get();
        int status = ri == null ? 0 : ri.statusCode();
        Outcome.Result result = status == 200
                ? (finished && timer.done() ? Outcome.Result.OK : Outcome.Result.ERROR)
                : (ri == null ? Outcome.Result.ERROR : Outcome.Result.ofStatus(status));
        return new Outcome(
                request,
                status,
                result,
                start,
                end,
                timer.ttftNanos(),
                timer.gapsNanos(),
                timer.tokens(),
                timer.promptTokens() >= 0 ? timer.promptTokens() : header(ri, "x-prompt-tokens"),
                timer.cachedTokens() >= 0 ? timer.cachedTokens() : header(ri, "x-prefix-cache-hit-tokens"),
                ri == null ? "" : ri.headers().firstValue("x-inference-pod").orElse(""));
    }

    /**
     * A non-streamed request: there is no first token to time, so its TTFT is -1 (the TTFT columns
     * describe streamed requests only) and its whole time counts in the latency column; tokens and
     * the hit rate come from the answer's {@code usage}.
     */
    private Outcome sendWhole(Plan.Request request, String baseUrl, String jsonBody) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/completions"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody))
                .build();
        long start = System.nanoTime();
        HttpResponse<String> resp = null;
        CompletableFuture<HttpResponse<String>> f = http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
        try {
            resp = f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            f.cancel(true);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
        }
        long end = System.nanoTime();
        if (resp == null) {
            return new Outcome(request, 0, Outcome.Result.ERROR, start, end, -1, new long[0], 0, -1, -1, "");
        }
        String body = resp.body();
        int completion = Sse.intField(body, "completion_tokens");
        Outcome.Result result = resp.statusCode() == 200
                ? (completion > 0 ? Outcome.Result.OK : Outcome.Result.ERROR)
                : Outcome.Result.ofStatus(resp.statusCode());
        int prompt = Sse.intField(body, "prompt_tokens");
        int cached = Sse.intField(body, "cached_tokens");
        return new Outcome(
                request,
                resp.statusCode(),
                result,
                start,
                end,
                -1,
                new long[0],
                Math.max(0, completion),
                prompt >= 0 ? prompt : headerValue(resp.headers(), "x-prompt-tokens"),
                cached >= 0 ? cached : headerValue(resp.headers(), "x-prefix-cache-hit-tokens"),
                resp.headers().firstValue("x-inference-pod").orElse(""));
    }

    private static int header(HttpResponse.ResponseInfo ri, String name) {
        return ri == null ? -1 : headerValue(ri.headers(), name);
    }

    private static int headerValue(java.net.http.HttpHeaders headers, String name) {
        return headers.firstValue(name)
                .map(v -> {
                    try {
                        return Integer.parseInt(v.trim());
                    } catch (NumberFormatException e) {
                        return -1;
                    }
                })
                .orElse(-1);
    }

    @Override
    public void close() {
        http.close();
    }
}
