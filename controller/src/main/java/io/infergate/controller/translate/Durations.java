package io.infergate.controller.translate;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gateway API durations (GEP-2257): one to four components, each one to five decimal digits
 * followed by {@code h}, {@code m}, {@code s} or {@code ms}; the value is the sum of the
 * components ({@code 1m30s} is 90 s; repeated units add up). No sign, no fractions, no days, and
 * a bare {@code 0} is invalid ({@code 0s} is the zero duration, which disables a timeout).
 */
public final class Durations {

    private static final Pattern WHOLE = Pattern.compile("^([0-9]{1,5}(h|m|s|ms)){1,4}$");
    private static final Pattern COMPONENT = Pattern.compile("([0-9]{1,5})(ms|h|m|s)");

    private Durations() {}

    /** The duration, or empty when the text is not a GEP-2257 duration. */
    public static Optional<Duration> parse(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            return Optional.empty();
        }
        Duration total = Duration.ZERO;
        Matcher m = COMPONENT.matcher(text);
        while (m.find()) {
            long value = Long.parseLong(m.group(1));
            total = total.plus(
                    switch (m.group(2)) {
                        case "h" -> Duration.ofHours(value);
                        case "m" -> Duration.ofMinutes(value);
                        case "s" -> Duration.ofSeconds(value);
                        case "ms" -> Duration.ofMillis(value);
                        default -> throw new IllegalStateException("unit outside the pattern: " + m.group(2));
                    });
        }
        return Optional.of(total);
    }
}
