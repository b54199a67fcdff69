package io.infergate.router.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.BackendRef;
import io.infergate.common.snapshot.Filter;
import io.infergate.router.extproc.ExternalPickers;
import io.infergate.router.extproc.PickerRequest;
import io.infergate.router.extproc.ResponsePhase;
import io.infergate.router.extproc.Selection;
import io.infergate.router.inference.ErrorBody;
import io.infergate.router.schedule.BackendTarget;
import io.infergate.router.schedule.endpoint.Lease;
import io.infergate.router.schedule.endpoint.Target;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The request path's side of an external endpoint picker: hands the request (headers and whole
 * body) to {@link ExternalPickers} and turns its {@link Selection} into what the exchange needs
 * (the leases of the named endpoints in order, the rewritten body, the picker's header mutations
 * as one more RequestHeaderModifier), or answers the client directly.
 *
 * <p>The named endpoints are counted like natively picked ones but never refused for the
 * per-endpoint bound: the picker decides where the request goes, and it is routed exactly there.
 */
final class PickerRouting {

    /** What the request path does next. */
    sealed interface Outcome {
        /** Run the exchange on {@code first}; {@link #next} gives the fallbacks. */
        record Route(Lease first, List<Target> rest, BackendRef ref, Upstream.Body body, ResponsePhase response)
                implements Outcome {
            /** The next named endpoint not yet tried, counted; empty when none is left. */
            Optional<Lease> next(Set<String> tried) {
                for (Target t : rest) {
                    if (!tried.contains(t.key()) && t.state().tryAcquire(0)) {
                        return Optional.of(new Lease(t, () -> {}));
                    }
                }
                return Optional.empty();
            }
        }

        /** The picker failed and the pool fails open: pick natively, with this (buffered) body. */
        record Native(Upstream.Body body) implements Outcome {}

        /** The client was answered. */
        record Answered() implements Outcome {}
    }

    private final ExternalPickers pickers;
    private final long maxBodyBytes;
    private final Predicate<String> ejected;

    /** @param ejected whether outlier detection ejected an endpoint ({@code ip:port}) */
    PickerRouting(ExternalPickers pickers, long maxBodyBytes, Predicate<String> ejected) {
        this.pickers = pickers;
        this.maxBodyBytes = maxBodyBytes;
        this.ejected = ejected;
    }

    /**
     * The subset hint: the pool's endpoints that outlier detection has not ejected, when it ejected
     * some but not all (with all ejected the router would not narrow either: Envoy's panic mode);
     * empty when the router has not narrowed the pool.
     */
    static List<String> subset(List<Target> endpoints, Predicate<String> ejected) {
        List<String> kept = null;
        for (int i = 0; i < endpoints.size(); i++) {
            String key = endpoints.get(i).key();
            if (ejected.test(key)) {
                if (kept == null) {
                    kept = new ArrayList<>(endpoints.size());
                    for (int j = 0; j < i; j++) {
                        kept.add(endpoints.get(j).key());
                    }
                }
            } else if (kept != null) {
                kept.add(key);
            }
        }
        return kept == null || kept.isEmpty() ? List.of() : kept;
    }

    /**
     * The picker sees the caller as the model server will (docs/adr/0024): the credential headers
     * an AuthPolicy strips are gone, the tenant and claim headers it sets are there. A picker is
     * another service, not the caller's party: it never receives an API key or a token.
     */
    static void withIdentity(List<Map.Entry<String, String>> headers, Filter.RequestHeaderModifier identity) {
        if (identity == null) {
            return;
        }
        headers.removeIf(h -> identity.remove().stream().anyMatch(r -> r.equalsIgnoreCase(h.getKey())));
        for (Filter.Header h : identity.set()) {
            headers.removeIf(e -> e.getKey().equalsIgnoreCase(h.name()));
            headers.add(Map.entry(h.name().toLowerCase(java.util.Locale.ROOT), h.value()));
        }
    }

    Outcome route(
            ServerRequest req,
            ServerResponse res,
            RequestRecord record,
            BackendTarget backend,
            Backend.EndpointPicker picker,
            BackendRef ref,
            String host,
            Upstream.Body body) {
        byte[] bytes = bytes(body);
        if (bytes == null) {
            Responses.error(
                    res,
                    record,
                    ErrorBody.of(413, ErrorBody.REQUEST_TOO_LARGE, "request body exceeds " + maxBodyBytes + " bytes"));
            return new Outcome.Answered();
        }
        Upstream.Body buffered = bytes.length == 0 ? new Upstream.Body.None() : new Upstream.Body.Bytes(bytes);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        Exchange.inbound(req, host).headers().forEach((n, v) -> headers.add(Map.entry(n, v)));
        withIdentity(headers, record.identityHeaders);
        String query = req.prologue().query().rawValue();
        PickerRequest request = new PickerRequest(
                req.prologue().method().text(),
                req.prologue().uriPath().rawPath() + (query.isEmpty() ? "" : "?" + query),
                host,
                req.isSecure() ? "https" : "http",
                headers,
                bytes,
                subset(backend.endpoints(), ejected));
        Selection selection;
        try {
            selection = pickers.select(backend, picker, request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Responses.error(
                    res,
                    record,
                    ErrorBody.of(503, ErrorBody.UPSTREAM_ERROR, "interrupted while asking the endpoint picker"));
            return new Outcome.Answered();
        }
        return switch (selection) {
            case Selection.FallBack f -> new Outcome.Native(buffered);
            case Selection.Refused r -> {
                Responses.error(res, record, ErrorBody.of(r.status(), ENDPOINT_PICKER_FAILED, r.reason()));
                yield new Outcome.Answered();
            }
            case Selection.Answered a -> {
                record.status = a.answer().status();
                res.status(Status.create(a.answer().status()));
                a.answer().headers().forEach(h -> {
                    if (!h.getKey().startsWith(":") && !h.getKey().equals("content-length")) {
                        res.headers().add(HeaderValues.create(h.getKey(), h.getValue()));
                    }
                });
                if (a.answer().body().length == 0 && !res.headers().contains(HeaderNames.CONTENT_TYPE)) {
                    Responses.error(
                            res,
                            record,
                            ErrorBody.of(
                                    a.answer().status(),
                                    ENDPOINT_PICKER_ANSWERED,
                                    "the endpoint picker of " + backend.id() + " answered "
                                            + a.answer().status()
                                            + (a.answer().details().isEmpty()
                                                    ? ""
                                                    : ": " + a.answer().details())));
                } else {
                    res.send(a.answer().body());
                }
                yield new Outcome.Answered();
            }
            case Selection.Routed r -> {
                if (record.inference != null) {
                    record.inference.routedByPicker(); // the picker counts it: once per request
                }
                Target first = r.targets().getFirst();
                first.state().tryAcquire(0);
                List<Filter> filters = new ArrayList<>(ref.filters());
                filters.add(r.headers());
                Upstream.Body sent = r.body()
                        .<Upstream.Body>map(b -> b.length == 0 ? new Upstream.Body.None() : new Upstream.Body.Bytes(b))
                        .orElse(buffered);
                yield new Outcome.Route(
                        new Lease(first, () -> {}),
                        r.targets().subList(1, r.targets().size()),
                        new BackendRef(ref.backend(), ref.weight(), filters),
                        sent,
                        r.response());
            }
        };
    }

    /** Error code of a failed picker (FailClose). */
    static final String ENDPOINT_PICKER_FAILED = "endpoint_picker_failed";
    /** Error code when the picker answered with a status but no body of its own. */
    static final String ENDPOINT_PICKER_ANSWERED = "endpoint_picker_rejected";

    /** The whole body (read up to the bound), or null beyond it. */
    private byte[] bytes(Upstream.Body body) {
        return switch (body) {
            case Upstream.Body.None n -> new byte[0];
            case Upstream.Body.Bytes b -> b.bytes();
            case Upstream.Body.Stream s -> {
                try (InputStream in = s.in()) {
                    byte[] read = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
                    yield read.length > maxBodyBytes ? null : read;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
