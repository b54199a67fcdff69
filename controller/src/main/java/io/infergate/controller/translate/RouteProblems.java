package io.infergate.controller.translate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What is wrong with one HTTPRoute, collected while translating its rules: values we do not
 * support (the route is not accepted) and references that do not resolve (it is accepted, with
 * {@code ResolvedRefs=False}). The first problem of each sort gives the reason; the message lists
 * them all.
 */
final class RouteProblems {

    private final List<String> invalid = new ArrayList<>();
    private final List<String> unresolved = new ArrayList<>();
    private String invalidReason;
    private String unresolvedReason;

    /** A value the route may not have: reason UnsupportedValue or IncompatibleFilters. */
    void invalid(String reason, String message) {
        if (invalidReason == null) {
            invalidReason = reason;
        }
        invalid.add(message);
    }

    /** A reference that does not resolve: BackendNotFound, InvalidKind or RefNotPermitted. */
    void unresolved(String reason, String message) {
        if (unresolvedReason == null) {
            unresolvedReason = reason;
        }
        unresolved.add(message);
    }

    /** The reason and message for {@code Accepted=False}, when some value is unsupported. */
    Optional<Problem> invalid() {
        return invalidReason == null
                ? Optional.empty()
                : Optional.of(new Problem(invalidReason, String.join("; ", invalid)));
    }

    /** The reason and message for {@code ResolvedRefs=False}, when some reference did not resolve. */
    Optional<Problem> unresolved() {
        return unresolvedReason == null
                ? Optional.empty()
                : Optional.of(new Problem(unresolvedReason, String.join("; ", unresolved)));
    }

    /** A reason and its message. */
    record Problem(String reason, String message) {}
}
