package io.infergate.controller.status;

/** A condition's status, written as {@code "True"}, {@code "False"} or {@code "Unknown"}. */
public enum ConditionStatus {
    TRUE("True"),
    FALSE("False"),
    UNKNOWN("Unknown");

    private final String wire;

    ConditionStatus(String wire) {
        this.wire = wire;
    }

    /** The Kubernetes spelling. */
    public String wire() {
        return wire;
    }
}
