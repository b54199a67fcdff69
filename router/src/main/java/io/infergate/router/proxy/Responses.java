package io.infergate.router.proxy;

import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.router.inference.ErrorBody;

/** Writes the router's own answers (errors and redirects) to the client. */
final class Responses {

    private Responses() {}

    /**
     * Sends the OpenAI-style error and records its status. A HEAD request gets the status alone: no
     * body goes out, and a Content-Type naming JSON over an empty body makes clients that parse
     * by Content-Type fail (the upstream Gateway API suite does: HTTPRouteMethodMatching expects a
     * 404 to HEAD); RFC 9110 lets a HEAD answer leave out the content's header fields.
     */
    static void error(ServerResponse res, RequestRecord record, ErrorBody error) {
        record.status = error.status();
        res.status(Status.create(error.status()));
        if (record.head) {
            res.send();
            return;
        }
        res.header(HeaderValues.CONTENT_TYPE_JSON).send(error.toJson());
    }
}
