package io.infergate.router.proxy;

import io.infergate.router.extproc.ResponsePhase;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The response headers as an external endpoint picker leaves them: they go to the picker with the
 * endpoint that served the request, and its mutations apply (remove, then set) before the client
 * gets them; the body goes to the picker as it is read for the client ({@link #tap}). A natively
 * picked request ({@link ResponsePhase#NONE}) is left as it is.
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

    /**
     * The upstream body as the client's copy reads it, each piece also handed to the picker (which
     * never blocks the read), and the end of the body marked when the read reaches it.
     */
    @SuppressWarnings("ReferenceEquality") // NONE is a sentinel instance: identity is the test
    static InputStream tap(ResponsePhase picker, InputStream in) {
        if (picker == ResponsePhase.NONE) {
            return in;
        }
        return new FilterInputStream(in) {
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    picker.responseBody(b, off, n, false);
                } else if (n < 0 && !ended) {
                    ended = true;
                    picker.responseBody(b, off, 0, true);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                // every byte must pass the picker: skipping reads
                byte[] buffer = new byte[(int) Math.min(8192, Math.max(1, n))];
                long left = n;
                while (left > 0) {
                    int r = read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (r < 0) {
                        break;
                    }
                    left -= r;
                }
                return n - left;
            }
        };
    }
}
