package io.infergate.router.proxy;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids for requests that came without {@code x-request-id}: random (version 4) UUIDs from
 * {@link ThreadLocalRandom}. A request id correlates log lines; it is no secret and grants nothing,
 * so it needs no {@code SecureRandom}, whose shared generator {@code UUID.randomUUID} locks on
 * every call.
 */
public final class RequestIds {

    private RequestIds() {}

    /** A new random UUID, as text. */
    public static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(hi, lo).toString();
    }
}
