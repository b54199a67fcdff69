package io.infergate.common.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * The few DER (ITU-T X.690) encodings that certificates and private-key containers need: a writer
 * of tag-length-value elements and a reader that walks them. Not a general ASN.1 library: only the
 * universal types used here, definite lengths, no constructed strings.
 */
final class Der {

    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int UTF8_STRING = 0x0C;
    static final int UTC_TIME = 0x17;
    static final int GENERALIZED_TIME = 0x18;
    static final int BOOLEAN = 0x01;

    private Der() {}

    static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write((n >>> (8 * i)) & 0xFF);
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... parts) {
        return tlv(SEQUENCE, concat(parts));
    }

    static byte[] set(byte[]... parts) {
        return tlv(SET, concat(parts));
    }

    static byte[] integer(BigInteger value) {
        return tlv(INTEGER, value.toByteArray());
    }

    static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    static byte[] nul() {
        return new byte[] {NULL, 0};
    }

    static byte[] bool(boolean value) {
        return tlv(BOOLEAN, new byte[] {(byte) (value ? 0xFF : 0)});
    }

    static byte[] octets(byte[] value) {
        return tlv(OCTET_STRING, value);
    }

    /** A BIT STRING of whole bytes (no unused bits). */
    static byte[] bits(byte[] value) {
        byte[] content = new byte[value.length + 1];
        System.arraycopy(value, 0, content, 1, value.length);
        return tlv(BIT_STRING, content);
    }

    static byte[] utf8(String value) {
        return tlv(UTF8_STRING, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A context-specific tag: {@code [n]} constructed (EXPLICIT) or primitive (IMPLICIT). */
    static byte[] context(int n, boolean constructed, byte[] content) {
        return tlv(0x80 | (constructed ? 0x20 : 0) | n, content);
    }

    static byte[] oid(String dotted) {
        String[] parts = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(parts[0]) * 40 + Integer.parseInt(parts[1]));
        for (int i = 2; i < parts.length; i++) {
            long v = Long.parseLong(parts[i]);
            int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 6) / 7);
            for (int g = groups - 1; g >= 0; g--) {
                int b = (int) ((v >>> (7 * g)) & 0x7F);
                out.write(g == 0 ? b : b | 0x80);
            }
        }
        return tlv(OID, out.toByteArray());
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** One element read: its tag, and where its content starts and ends in the buffer. */
    record Element(int tag, byte[] buffer, int start, int end) {
        byte[] content() {
            byte[] out = new byte[end - start];
            System.arraycopy(buffer, start, out, 0, out.length);
            return out;
        }

        /** The whole element, header included, as it appears in the buffer. */
        byte[] encoded(int headerStart) {
            byte[] out = new byte[end - headerStart];
            System.arraycopy(buffer, headerStart, out, 0, out.length);
            return out;
        }
    }

    /** Reads consecutive elements from {@code buffer[from, to)}. */
    static final class Reader {
        private final byte[] buffer;
        private final int to;
        private int pos;

        Reader(byte[] buffer, int from, int to) {
            this.buffer = buffer;
            this.pos = from;
            this.to = to;
        }

        /** A reader of an element's content (its children). */
        static Reader inside(Element e) {
            return new Reader(e.buffer(), e.start(), e.end());
        }

        boolean hasNext() {
            return pos < to;
        }

        Element next() {
            if (pos + 2 > to) {
                throw new IllegalArgumentException("truncated DER element");
            }
            int tag = buffer[pos++] & 0xFF;
            int first = buffer[pos++] & 0xFF;
            int length;
            if (first < 0x80) {
                length = first;
            } else {
                int bytes = first & 0x7F;
                if (bytes == 0 || bytes > 3 || pos + bytes > to) {
                    throw new IllegalArgumentException("unsupported DER length");
                }
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = (length << 8) | (buffer[pos++] & 0xFF);
                }
            }
            if (length > to - pos) {
                throw new IllegalArgumentException("DER element longer than its container");
            }
            Element e = new Element(tag, buffer, pos, pos + length);
            pos += length;
            return e;
        }
    }
}
