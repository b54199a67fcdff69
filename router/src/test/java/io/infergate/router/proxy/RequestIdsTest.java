package io.infergate.router.proxy;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generated request ids are well-formed random (version 4, IETF variant) UUIDs, and distinct. */
class RequestIdsTest {

    @Test
    void versionFourAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.next();
            UUID u = UUID.fromString(id);
            assertEquals(4, u.version(), id);
            assertEquals(2, u.variant(), id);
            assertEquals(36, id.length(), id);
            assertTrue(seen.add(id), "repeated " + id);
        }
    }

    @Test
    void headerNamesAreHelidonsAndCached() {
        assertEquals(io.helidon.http.HeaderNames.create("X-Request-Id"), HeaderNameCache.of("X-Request-Id"));
        assertSame(HeaderNameCache.of("x-custom-name"), HeaderNameCache.of("x-custom-name"), "one instance");
        assertEquals("x-custom-name", HeaderNameCache.of("X-Custom-Name").lowerCase());
    }
}
