package io.infergate.router.outlier;

import io.infergate.router.settings.Section;

import java.time.Duration;
import java.util.Objects;

/**
 * When an endpoint is ejected and for how long (Envoy's outlier detection, gateway-failure flavour).
 *
 * @param consecutiveConnectFailures connect failures in a row that eject an endpoint (Envoy's
 *                                   {@code consecutive_gateway_failure}, default 5); {@code 0} turns
 *                                   ejection off
 * @param baseEjectionTime           the first ejection lasts this long; the n-th lasts n times as long
 *                                   (Envoy's {@code base_ejection_time}, default 30 s)
 * @param maxEjectionTime            the longest ejection (Envoy's {@code max_ejection_time}, default 300 s)
 */
public record OutlierSettings(int consecutiveConnectFailures, Duration baseEjectionTime, Duration maxEjectionTime) {
    public OutlierSettings {
        Objects.requireNonNull(baseEjectionTime, "baseEjectionTime");
        Objects.requireNonNull(maxEjectionTime, "maxEjectionTime");
        if (consecutiveConnectFailures < 0) {
            throw new IllegalArgumentException("consecutive-connect-failures must not be negative");
        }
        if (!baseEjectionTime.isPositive() || maxEjectionTime.compareTo(baseEjectionTime) < 0) {
            throw new IllegalArgumentException(
                    "base-ejection-time must be positive and max-ejection-time at least as long");
        }
    }

    /** 5 consecutive connect failures, 30 s × ejections, at most 300 s. */
    public static OutlierSettings defaults() {
        return new OutlierSettings(5, Duration.ofSeconds(30), Duration.ofSeconds(300));
    }

    /** Reads the ejection keys of {@code router.upstream}; absent keys keep {@link #defaults()}. */
    public static OutlierSettings create(Section s) {
        OutlierSettings d = defaults();
        return new OutlierSettings(
                s.integer("consecutive-connect-failures", d.consecutiveConnectFailures()),
                s.duration("base-ejection-time", d.baseEjectionTime()),
                s.duration("max-ejection-time", d.maxEjectionTime()));
    }
}
