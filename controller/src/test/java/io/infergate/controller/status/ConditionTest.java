package io.infergate.controller.status;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Condition messages are bounded to the CRDs' maxLength, so one status write is never refused for size. */
class ConditionTest {

    @Test
    void aMessageThatFitsIsKeptAsItIs() {
        String exact = "r".repeat(Condition.MAX_MESSAGE_LENGTH);
        assertSame(exact, Condition.isTrue("Accepted", "Accepted", exact, 1).message());
    }

    @Test
    void aLongerMessageIsCutToTheLimitWithAMarker() {
        String refs = "backendRef default/svc-0 not found; ".repeat(5_000); // ~180 KB
        Condition c = Condition.isFalse("ResolvedRefs", "BackendNotFound", refs, 3);
        assertEquals(Condition.MAX_MESSAGE_LENGTH, c.message().length());
        assertTrue(c.message().endsWith(Condition.TRUNCATED), "ends with the marker");
        assertTrue(
                refs.startsWith(c.message().substring(0, c.message().length() - Condition.TRUNCATED.length())),
                "keeps the beginning");
        assertEquals(
                c.message(),
                c.at(java.time.Instant.EPOCH).unstamped().message(),
                "stamping keeps it bounded and equal");
    }

    @Test
    void theCutNeverSplitsASurrogatePair() {
        int keep = Condition.MAX_MESSAGE_LENGTH - Condition.TRUNCATED.length();
        String message = "a".repeat(keep - 1) + "😀".repeat(30); // the first emoji straddles the cut
        String bounded = Condition.isFalse("Accepted", "Invalid", message, 1).message();
        assertEquals(keep - 1 + Condition.TRUNCATED.length(), bounded.length(), "the whole emoji goes");
        assertTrue(bounded.endsWith("a" + Condition.TRUNCATED), "no half character before the marker");
    }
}
