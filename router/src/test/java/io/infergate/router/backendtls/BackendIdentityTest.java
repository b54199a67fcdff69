package io.infergate.router.backendtls;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 6125 name matching of backend certificates, one rule per row. */
class BackendIdentityTest {

    @ParameterizedTest(name = "{0} vs {1}: {2} ({3})")
    @CsvSource({
        "abc.example.com, abc.example.com, true, equal",
        "ABC.Example.com, abc.example.com, true, case-insensitive",
        "abc.example.com., abc.example.com, true, a trailing dot is the same name",
        "abc.example.com, def.example.com, false, another name",
        "*.example.com, abc.example.com, true, a wildcard covers one label",
        "*.example.com, a.b.example.com, false, never two labels",
        "*.example.com, example.com, false, never the apex",
        "*.example.com, *.example.com, true, a wildcard asked for matches the same wildcard",
        "abc.example.com, *.example.com, false, a wildcard asked for matches no single name",
        "a*.example.com, abc.example.com, false, partial-label wildcards are not honoured",
    })
    void dnsMatches(String certificateName, String name, boolean matches, String why) {
        assertEquals(matches, BackendIdentity.dnsMatches(certificateName, name), why);
    }
}
