package io.infergate.simulator.metrics;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.simulator.engine.BatchScheduler;

import java.nio.charset.StandardCharsets;

/** {@code GET /metrics}: renders the exposition from a fresh scheduler snapshot on every scrape. */
public final class MetricsHandler implements Handler {

    private final String modelName;
    private final BatchScheduler scheduler;
    private final EngineMetrics metrics;
    private final int blockSize;
    private final int maxLoras;

    public MetricsHandler(
            String modelName, BatchScheduler scheduler, EngineMetrics metrics, int blockSize, int maxLoras) {
        this.modelName = modelName;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.blockSize = blockSize;
        this.maxLoras = maxLoras;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String text = PrometheusText.render(
                modelName, scheduler.load(), metrics, blockSize, maxLoras, System.currentTimeMillis() / 1000.0);
        res.header(HeaderNames.CONTENT_TYPE, PrometheusText.CONTENT_TYPE);
        res.send(text.getBytes(StandardCharsets.UTF_8));
    }
}
