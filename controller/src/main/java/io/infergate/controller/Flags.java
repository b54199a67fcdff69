package io.infergate.controller;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The command line after tokenizing: each flag's values in order. The readers check a value the
 * way its settings need it and name the flag in every mistake ({@link CommandLine.UsageException}).
 */
final class Flags {

    private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    private static final Pattern DNS_NAME =
            Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

    private final Map<String, List<String>> values;

    Flags(Map<String, List<String>> values) {
        this.values = Map.copyOf(values);
    }

    boolean has(String flag) {
        return values.containsKey(flag);
    }

    Optional<String> one(String flag) {
        return Optional.ofNullable(values.get(flag)).map(List::getFirst);
    }

    /** Every value of a repeatable flag, commas splitting further; empty items are mistakes. */
    List<String> list(String flag) throws CommandLine.UsageException {
        List<String> out = new ArrayList<>();
        for (String v : values.getOrDefault(flag, List.of())) {
            for (String item : v.split(",", -1)) {
                if (item.isBlank()) {
                    throw new CommandLine.UsageException(flag + " has an empty item in '" + v + "'");
                }
                out.add(item.strip());
            }
        }
        return out;
    }

    boolean bool(String flag, boolean otherwise) throws CommandLine.UsageException {
        String v = one(flag).orElse(Boolean.toString(otherwise));
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new CommandLine.UsageException(flag + " takes true or false, got '" + v + "'");
        };
    }

    /** A port 0..65535 (0: pick a free one). */
    int port(String flag, int otherwise) throws CommandLine.UsageException {
        return port(flag, one(flag).orElse(Integer.toString(otherwise)));
    }

    static int port(String flag, String text) throws CommandLine.UsageException {
        try {
            int p = Integer.parseInt(text);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new CommandLine.UsageException(flag + " must be 0..65535, got '" + text + "'");
        }
    }

    /** A Kubernetes object name (lower-case DNS name). */
    String objectName(String flag, String otherwise) throws CommandLine.UsageException {
        String value = one(flag).orElse(otherwise);
        if (value.length() > 253 || !DNS_NAME.matcher(value).matches()) {
            throw new CommandLine.UsageException(
                    flag + " must be a Kubernetes object name (lower-case DNS name), got '" + value + "'");
        }
        return value;
    }

    /** A namespace name (lower-case DNS label). */
    static String namespace(String flag, String value) throws CommandLine.UsageException {
        if (value.length() > 63 || !DNS_LABEL.matcher(value).matches()) {
            throw new CommandLine.UsageException(
                    flag + " must be a namespace name (lower-case DNS label), got '" + value + "'");
        }
        return value;
    }

    /** A readable file, as an absolute path. */
    Optional<Path> readableFile(String flag) throws CommandLine.UsageException {
        Optional<String> name = one(flag);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Path file = Path.of(name.get());
        if (!Files.isReadable(file)) {
            throw new CommandLine.UsageException(flag + ": cannot read '" + name.get() + "'");
        }
        return Optional.of(file.toAbsolutePath());
    }
}
