package io.infergate.common.gatewayapi;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Hostname intersection, one row per rule of the Gateway API. */
class HostnamesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            equal exact names intersect                       | a.example.com   | a.example.com   | a.example.com
            comparison ignores case, answers in lower case     | A.Example.com   | a.example.COM   | a.example.com
            different exact names do not                      | a.example.com   | b.example.com   | -
            wildcard covers one label                         | *.example.com   | a.example.com   | a.example.com
            wildcard covers several labels                    | *.example.com   | a.b.example.com | a.b.example.com
            wildcard never covers the apex                    | *.example.com   | example.com     | -
            wildcard needs a label boundary                   | *.example.com   | badexample.com  | -
            order does not matter                             | a.example.com   | *.example.com   | a.example.com
            equal wildcards intersect                         | *.example.com   | *.example.com   | *.example.com
            narrower wildcard inside wider one                | *.example.com   | *.a.example.com | *.a.example.com
            wider wildcard around narrower one                | *.a.example.com | *.example.com   | *.a.example.com
            unrelated wildcards do not                        | *.example.com   | *.example.org   | -
            wildcard suffix without boundary does not         | *.example.com   | *.badexample.com | -
            """)
    void intersection(String reason, String a, String b, String expected) {
        assertEquals(Optional.ofNullable(expected), Hostnames.intersection(a, b));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            route without hostnames takes the listener's      | -                                  | foo.example.com | true
            listener without hostname takes every route       | foo.example.com                    | -               | true
            one intersecting route hostname is enough          | bar.example.com,foo.example.com    | foo.example.com | true
            wildcard route hostname under exact listener       | *.example.com                      | foo.example.com | true
            none intersecting is NoMatchingListenerHostname   | specific.but.wrong.com,wildcard.io | *.wildcard.io   | false
            """)
    void routeMatchesListener(String reason, String routeHostnames, String listener, boolean expected) {
        List<String> hostnames = routeHostnames == null ? List.of() : Arrays.asList(routeHostnames.split(","));
        assertEquals(expected, Hostnames.routeMatchesListener(hostnames, Optional.ofNullable(listener)));
    }
}
