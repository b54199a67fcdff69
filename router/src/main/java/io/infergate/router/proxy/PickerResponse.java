package io.infergate.router.proxy;

import io.infergate.router.extproc.ResponsePhase;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The response headers as an external endpoint picker leaves them: they go to the picker with the
 * endpoint that served the request, and its mutations apply (remove, then set) before the client
 * gets them. A natively picked request ({@link ResponsePhase#NONE}) is left as it is.
 */
final class PickerResponse {

    private PickerResponse() {}

    @SuppressWarnings("ReferenceEquality") // NONE is a sentinel instance: identity is the test
    static HeaderList apply(ResponsePhase picker, int status, HeaderList headers, String served) {
        if (picker == ResponsePhase.NONE) {
            return headers;
        }
        List<Map.Entry<String, String>> sent = new ArrayList<>();
        headers.forEach((n, v) -> sent.add(Map.entry(n, v)));
        ResponsePhase.Mutations m = picker.responseHeaders(status, sent, served);
        m.remove().forEach(headers::remove);
        // Each set replaces the header's values, in order, so the last set of a name wins: Envoy's
        // rule for a HeaderValueOption without append or append_action, which is what the reference
        // pickers send (lwepp sets x-conformance-test-served-endpoint and also echoes the response's
        // own copy of it; appending both would give the client two values).
        for (Map.Entry<String, String> e : m.set()) {
            headers.remove(e.getKey());
            headers.add(e.getKey(), e.getValue());
        }
        return headers;
    }
}
