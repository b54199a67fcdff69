package io.infergate.router.proxy;

import io.infergate.common.snapshot.Filter;
import io.infergate.router.schedule.BackendTarget;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * RequestMirror: copies of a request sent to other backends, fire and forget.
 *
 * <p>Rules: each RequestMirror filter of the rule and of the chosen backendRef fires on its own,
 * for its share of requests ({@code numerator/denominator}, from {@code percent} or
 * {@code fraction}); several mirrors on one rule each get their copy. A copy carries the request
 * exactly as it goes to the chosen backend (method, rewritten path and Host, modified headers,
 * the same body) to one endpoint of the mirror backend picked at random. Its response is read and
 * thrown away on a virtual thread of its own, so a slow or failing mirror never delays or changes
 * the client's answer. A mirror whose backend did not resolve or has no endpoints sends nothing.
 * At most {@link #MAX_IN_FLIGHT} copies are in flight per router; beyond that copies are dropped,
 * because mirroring must never cost the served traffic memory or threads without bound.
 */
final class Mirrors {

    private static final Logger LOG = Logger.getLogger(Mirrors.class.getName());
    static final int MAX_IN_FLIGHT = 512;

    /** One copy to send: the backend and what to send. */
    record Copy(BackendTarget backend, String method, String target, HeaderList headers, Upstream.Body body) {}

    private final Upstream upstream;
    private final ProxySettings settings;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

    Mirrors(Upstream upstream, ProxySettings settings) {
        this.upstream = upstream;
        this.settings = settings;
    }

    /** Whether this mirror fires for one request: with probability numerator/denominator. */
    static boolean fires(Filter.RequestMirror mirror, RandomGenerator random) {
        if (mirror.numerator() >= mirror.denominator()) {
            return true;
        }
        return mirror.numerator() > 0 && random.nextInt(mirror.denominator()) < mirror.numerator();
    }

    /** The backends the request is mirrored to: resolved mirrors that fire, in filter order. */
    static List<BackendTarget> targets(
            List<Filter> filters, Function<String, Optional<BackendTarget>> backends, RandomGenerator random) {
        List<BackendTarget> out = new ArrayList<>();
        for (Filter f : filters) {
            if (f instanceof Filter.RequestMirror m && fires(m, random)) {
                m.backend()
                        .flatMap(backends)
                        .filter(b -> !b.endpoints().isEmpty())
                        .ifPresent(out::add);
            }
        }
        return out;
    }

    /** Sends the copy in the background; returns at once. */
    void send(Copy copy, RandomGenerator random) {
        if (!inFlight.tryAcquire()) {
            LOG.fine(() -> "mirror to " + copy.backend().id() + " dropped: " + MAX_IN_FLIGHT + " copies in flight");
            return;
        }
        var endpoints = copy.backend().endpoints();
        var endpoint = endpoints.get(random.nextInt(endpoints.size())).endpoint();
        Thread.ofVirtual().name("mirror-" + copy.backend().id()).start(() -> {
            try (UpstreamResponse response = upstream.send(
                            endpoint,
                            copy.backend().backend().appProtocol(),
                            copy.backend().tls(),
                            copy.method(),
                            copy.target(),
                            copy.headers(),
                            copy.body(),
                            settings.readTimeout());
                    InputStream in = response.inputStream()) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (Upstream.UpstreamException | IOException | RuntimeException e) {
                LOG.log(
                        Level.FINE,
                        "mirror to " + endpoint.hostPort() + " of "
                                + copy.backend().id() + " failed",
                        e);
            } finally {
                inFlight.release();
            }
        });
    }
}
