package io.infergate.router;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Guards the request path against a costly JSON-P habit: {@code Json.createParser},
 * {@code Json.createReader}, {@code Json.createObjectBuilder} and friends look the provider up
 * through the ServiceLoader on every call, a class-path scan that cost 0.4-0.7 ms of CPU per
 * request in the proxy benchmark (twice). Router code must use a factory or provider created once
 * ({@code Json.createParserFactory}, {@code JsonProvider.provider()}).
 */
class JsonProviderLookupTest {

    private static final Pattern PER_CALL_LOOKUP = Pattern.compile("\\bJson\\.create(?!\\w*Factory\\()\\w+\\(");

    @Test
    void routerSourcesDoNotLookUpTheJsonProviderPerCall() throws IOException {
        Path main = Path.of("src/main/java");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(main)) {
            offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .flatMap(f -> {
                        try {
                            List<String> lines = Files.readAllLines(f);
                            return java.util.stream.IntStream.range(0, lines.size())
                                    .filter(i -> !lines.get(i).trim().startsWith("*")
                                            && !lines.get(i).trim().startsWith("//"))
                                    .filter(i -> PER_CALL_LOOKUP
                                            .matcher(lines.get(i))
                                            .find())
                                    .mapToObj(i -> main.relativize(f) + ":" + (i + 1) + ": "
                                            + lines.get(i).trim());
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .toList();
        }
        assertEquals(List.of(), offenders, "use a JSON-P factory or provider created once");
    }
}
