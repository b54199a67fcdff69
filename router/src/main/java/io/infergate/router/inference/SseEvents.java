package io.infergate.router.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a {@code text/event-stream} byte stream into whole events as the chunks arrive. An event
 * ends at a blank line ({@code \n\n} or {@code \r\n\r\n}); chunk boundaries fall anywhere, so the
 * bytes after the last complete event are kept until the next chunk completes them. Only that
 * unfinished tail is ever held: every complete event is handed out at once.
 */
final class SseEvents {

    private byte[] pending = new byte[0];

    /** The events this chunk completes, each with its terminating blank line. */
    List<byte[]> feed(byte[] chunk, int offset, int length) {
        byte[] data;
        int scanFrom;
        if (pending.length == 0) {
            data = Arrays.copyOfRange(chunk, offset, offset + length);
            scanFrom = 0;
        } else {
            data = Arrays.copyOf(pending, pending.length + length);
            System.arraycopy(chunk, offset, data, pending.length, length);
            scanFrom = Math.max(0, pending.length - 3); // a terminator may straddle the boundary
        }
        List<byte[]> events = new ArrayList<>(2);
        int start = 0;
        for (int i = scanFrom; i < data.length; i++) {
            int end = terminatorEnd(data, i);
            if (end > 0) {
                events.add(Arrays.copyOfRange(data, start, end));
                start = end;
                i = end - 1;
            }
        }
        pending = start == 0 ? data : Arrays.copyOfRange(data, start, data.length);
        return events;
    }

    /** The unfinished tail at the end of the stream (written through unchanged). */
    byte[] rest() {
        byte[] rest = pending;
        pending = new byte[0];
        return rest;
    }

    /** The index just after a blank-line terminator starting at {@code i}, or -1. */
    private static int terminatorEnd(byte[] d, int i) {
        if (d[i] == '\n' && i + 1 < d.length && d[i + 1] == '\n') {
            return i + 2;
        }
        if (d[i] == '\r' && i + 3 < d.length && d[i + 1] == '\n' && d[i + 2] == '\r' && d[i + 3] == '\n') {
            return i + 4;
        }
        return -1;
    }
}
