package io.infergate.common.http;

import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;

import java.time.Duration;

/**
 * How long a client may take in each phase of a connection (defaults near nginx's).
 *
 * @param requestHeaders from the end of the request line to the end of the header section
 *                       (nginx {@code client_header_timeout} 60 s covers both; here the request
 *                       line is bounded by {@code idle}, so the whole head by their sum): 408 and close
 * @param idle           a connection with no request in flight and no complete request line for
 *                       this long is closed (nginx {@code keepalive_timeout} 75 s); checked every second
 * @param bodyRead       the longest wait for the next bytes of a request body while the router
 *                       reads it (nginx {@code client_body_timeout} 60 s, also between two reads): 408 and close
 */
public record ClientTimeouts(Duration requestHeaders, Duration idle, Duration bodyRead) {

    /** The documented defaults: 30 s, 60 s, 60 s. */
    public static ClientTimeouts defaults() {
        return new ClientTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(60));
    }

    public ClientTimeouts {
        for (Duration d : new Duration[] {requestHeaders, idle, bodyRead}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("client timeouts must be positive: " + d);
            }
        }
    }

    /**
     * Applies the timeouts to a server being built: the idle timeout through Helidon's idle sweep
     * (run every second instead of every 2 minutes), the others through {@code watchdog}, which
     * must be added to the same server's HTTP/1 configuration ({@code http1}).
     */
    public void apply(WebServerConfig.Builder server, Http1Config.Builder http1, ConnectionWatchdog watchdog) {
        server.idleConnectionTimeout(idle).idleConnectionPeriod(Duration.ofSeconds(1));
        http1.addReceiveListener(watchdog);
    }
}
