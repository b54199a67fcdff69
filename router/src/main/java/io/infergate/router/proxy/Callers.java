package io.infergate.router.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.common.snapshot.Filter;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.router.auth.Authentication;
import io.infergate.router.auth.Authenticator;
import io.infergate.router.auth.Outcome;
import io.infergate.router.inference.ErrorBody;
import io.infergate.router.match.MatchResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies the AuthPolicy of a matched request (docs/adr/0024-authentication-policy.md): the
 * route's policy, else its Gateway's. Admitted requests carry their tenant into the access log
 * and a header modifier that strips the credential and sets the tenant upstream; refused ones get
 * 401 with an OpenAI-style error and a {@code WWW-Authenticate} challenge.
 */
final class Callers {

    private Callers() {}

    /** Whether the request may go on; when not, the 401 has been sent. */
    static boolean admitted(
            Authentication authentication,
            ServerRequest req,
            ServerResponse res,
            RequestRecord record,
            Snapshot snapshot,
            MatchResult.Matched match) {
        if (snapshot.authPolicies().isEmpty()) {
            return true; // the common case costs one list check
        }
        Optional<Authenticator> authenticator = authentication.find(
                snapshot, match.candidate().route().id(), match.listener().gateway());
        if (authenticator.isEmpty()) {
            return true;
        }
        record.authChecked = true;
        Outcome outcome = authenticator.get().authenticate(name -> req.headers().first(HeaderNames.create(name)));
        return switch (outcome) {
            case Outcome.Allowed ok -> {
                record.tenant = ok.tenant();
                List<Filter.Header> set = new ArrayList<>();
                ok.set().forEach((name, value) -> set.add(new Filter.Header(name, value)));
                record.identityHeaders = new Filter.RequestHeaderModifier(set, List.of(), ok.strip());
                yield true;
            }
            case Outcome.Denied denied -> {
                res.header(HeaderNames.WWW_AUTHENTICATE, denied.wwwAuthenticate());
                Responses.error(res, record, ErrorBody.of(401, ErrorBody.INVALID_API_KEY, denied.message()));
                yield false;
            }
        };
    }
}
