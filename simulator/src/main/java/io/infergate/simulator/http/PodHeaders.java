package io.infergate.simulator.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.util.function.IntSupplier;

/**
 * Stamps every routed response with the pod that produced it, so router tests can tell which
 * backend served a request without parsing bodies.
 */
public final class PodHeaders implements Filter {

    public static final HeaderName POD = HeaderNames.create("x-inference-pod");
    public static final HeaderName PORT = HeaderNames.create("x-inference-port");

    private final String podName;
    private final IntSupplier port;

    /**
     * @param podName the pod name
     * @param port    the bound port, read per request because an ephemeral port is known only after start
     */
    public PodHeaders(String podName, IntSupplier port) {
        this.podName = podName;
        this.port = port;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        res.header(POD, podName);
        res.header(PORT, Integer.toString(port.getAsInt()));
        chain.proceed();
    }
}
