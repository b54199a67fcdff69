package io.infergate.simulator.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Stamps every routed response with the pod that produced it, so router tests can tell which
 * backend served a request without parsing bodies. The port is the local port the request came
 * in on, which is right even for an ephemeral port chosen at start.
 */
public final class PodHeaders implements Filter {

    public static final HeaderName POD = HeaderNames.create("x-inference-pod");
    public static final HeaderName PORT = HeaderNames.create("x-inference-port");

    private final String podName;

    public PodHeaders(String podName) {
        this.podName = podName;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        res.header(POD, podName);
        res.header(PORT, Integer.toString(req.localPeer().port()));
        chain.proceed();
    }
}
