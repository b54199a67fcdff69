package io.infergate.simulator;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A plain HTTP/1.1 client for the simulator tests (java.net.http, so no Helidon on both ends). */
final class TestClient {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private TestClient() {}

    static HttpResponse<String> get(SimulatedPod pod, String path) {
        return send(
                HttpRequest.newBuilder(URI.create(pod.baseUrl() + path)).GET().build());
    }

    static HttpResponse<String> post(SimulatedPod pod, String path, String body) {
        return send(postRequest(pod, path, body));
    }

    static HttpRequest postRequest(SimulatedPod pod, String path, String body) {
        return HttpRequest.newBuilder(URI.create(pod.baseUrl() + path))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<InputStream> sendStreaming(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonObject json(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    /** One server-sent event's data and the time it was read. */
    record Event(String data, long arrivalNanos) {
        boolean done() {
            return data.equals("[DONE]");
        }

        JsonObject json() {
            return TestClient.json(data);
        }
    }

    /** Reads every {@code data:} event of an SSE body, stamping each with its arrival time. */
    static List<Event> events(InputStream body) {
        List<Event> events = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.startsWith("data: ")) {
                    events.add(new Event(line.substring("data: ".length()), System.nanoTime()));
                } else if (!line.isEmpty()) {
                    throw new AssertionError("unexpected SSE line: " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }

    /** The value of an unlabelled-or-labelled sample line {@code name{...} value}; fails if absent. */
    static double sample(String metrics, String nameWithLabels) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(nameWithLabels + " ")) {
                return Double.parseDouble(line.substring(nameWithLabels.length() + 1));
            }
        }
        throw new AssertionError("no sample " + nameWithLabels + " in\n" + metrics);
    }
}
