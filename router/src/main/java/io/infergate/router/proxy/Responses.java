package io.infergate.router.proxy;

import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.router.inference.ErrorBody;

/** Writes the router's own answers (errors and redirects) to the client. */
final class Responses {

    private Responses() {}

    /** Sends the OpenAI-style error and records its status. */
    static void error(ServerResponse res, RequestRecord record, ErrorBody error) {
        record.status = error.status();
        res.status(Status.create(error.status()))
                .header(HeaderValues.CONTENT_TYPE_JSON)
                .send(error.toJson());
    }
}
