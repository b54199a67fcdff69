package io.infergate.router.snapshot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token rotation: a mounted Secret changes in place and the router follows it without a restart. */
class TokenFileTest {

    @TempDir
    Path dir;

    @Test
    void followsARotatedToken() throws IOException {
        Path file = write("old-token\n", Instant.now().minusSeconds(60));
        TokenFile credentials = new TokenFile(file);
        assertTrue(credentials.accepts("Bearer old-token"));
        assertFalse(credentials.accepts("Bearer new-token"));

        write("new-token", Instant.now());
        await().atMost(Duration.ofSeconds(5)).until(() -> credentials.accepts("Bearer new-token"));
        assertFalse(credentials.accepts("Bearer old-token"), "the old token stops working once rotated");
    }

    @Test
    void anEmptyUpdateKeepsThePreviousToken() throws IOException {
        Path file = write("kept", Instant.now().minusSeconds(60));
        TokenFile credentials = new TokenFile(file);
        write("   \n", Instant.now().minusSeconds(30));
        // The first poll comes after the check interval, so it re-reads the (empty) file.
        await().pollDelay(Duration.ofMillis(1100))
                .atMost(Duration.ofSeconds(5))
                .until(() -> credentials.accepts("Bearer kept"));
        write("next", Instant.now());
        await().atMost(Duration.ofSeconds(5)).until(() -> credentials.accepts("Bearer next"));
    }

    @Test
    void refusesAnEmptyFileAtStartup() throws IOException {
        Path file = write("", Instant.now());
        assertThrows(IllegalArgumentException.class, () -> new TokenFile(file));
    }

    private Path write(String content, Instant modified) throws IOException {
        Path file = dir.resolve("token");
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }
}
