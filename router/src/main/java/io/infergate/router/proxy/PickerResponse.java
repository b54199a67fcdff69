package io.infergate.router.proxy;

import io.infergate.router.extproc.ResponsePhase;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
        // a set replaces the header's values; several sets of one name (a picker echoing a
        // multi-valued header) give all of their values
        Set<String> replaced = new HashSet<>();
        for (Map.Entry<String, String> e : m.set()) {
            if (replaced.add(e.getKey())) {
                headers.remove(e.getKey());
            }
            headers.add(e.getKey(), e.getValue());
        }
        return headers;
    }
}
