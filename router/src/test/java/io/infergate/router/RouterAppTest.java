package io.infergate.router;

import io.infergate.router.testing.RouterFixture;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterAppTest {

    @Test
    void anInternalPortInUseFailsStartupClearly() {
        try (RouterFixture first = RouterFixture.start()) {
            RouterConfig clash = RouterConfig.defaults("127.0.0.1", first.internalPort(), "t");
            String message = assertThrows(IllegalStateException.class, () -> RouterApp.start(clash))
                    .getMessage();
            assertTrue(message.contains("127.0.0.1:" + first.internalPort() + " could not be opened"), message);
        }
    }
}
