package io.infergate.router.snapshot;

/** Decides whether an {@code Authorization} header value may use the internal snapshot API. */
public interface Credentials {

    /** Whether {@code authorization} (the header value, possibly null) carries a valid token. */
    boolean accepts(String authorization);
}
