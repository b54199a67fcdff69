package io.infergate.router.match;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.infergate.router.match.MatchAssertions.compile;
import static io.infergate.router.match.MatchAssertions.expect;
import static io.infergate.router.testing.Snap.exact;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.regex;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.snapshot;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Match types and precedence across rules and routes of one listener without a hostname. */
class PrecedenceTest {

    private static final RouteTable TABLE = compile(snapshot(
            List.of(gateway("gw", listener("http", 8080))),
            List.of(
                    route("a")
                            .rule(rule(exact("/exact"))) // a/0
                            .rule(rule(prefix("/v2"))) // a/1
                            .rule(rule(prefix("/v2/longer"))) // a/2
                            .rule(rule(prefix("/m").method("POST"))) // a/3
                            .rule(rule(prefix("/m"))) // a/4
                            .rule(rule(prefix("/h").header("x-a", "1"))) // a/5
                            .rule(rule(prefix("/h").header("x-a", "1").header("x-b", "2"))) // a/6
                            .rule(rule(prefix("/q").query("q", "1"))) // a/7
                            .rule(rule(prefix("/q").query("q", "1").query("r", "2"))) // a/8
                            .rule(rule(regex("/re/[0-9]+"))) // a/9
                            .rule(rule(prefix("/"))) // a/10
                            .rule(rule(prefix("/dup"))) // a/11
                            .rule(rule(prefix("/dup"))) // a/12
                            .rule(rule(exact("/or1"), exact("/or2"))) // a/13
                            .rule(rule(prefix("/and").method("GET").header("x-and", "yes"))) // a/14
                            .rule(rule(prefix("/slash/"))) // a/15
                            .rule(rule(prefix("/hr").headerRegex("x-v", "v[0-9]+"))) // a/16
                            .rule(rule(prefix("/qr").queryRegex("n", "[a-c]"))) // a/17
                            .rule(rule(exact("/Case"))) // a/18
                            .rule(rule(exact("/re/1"))) // a/19
                            .rule(rule(prefix("/age"))) // a/20
                            .rule(rule(prefix("/hdup").header("X-D", "1").header("x-d", "2"))) // a/21
                            .rule(rule(prefix("/mm").method("POST"))) // a/22
                            .rule(rule(prefix("/mm/x"))) // a/23
                            .build(),
                    route("b")
                            .created("2023-01-01T00:00:00Z")
                            .rule(rule(prefix("/age")))
                            .build(),
                    route("z").ns("alpha").rule(rule(prefix("/ns"))).build(),
                    route("c").ns("beta").rule(rule(prefix("/ns"))).build(),
                    route("c")
                            .ns("alpha")
                            .created("2024-01-01T00:00:00.000001Z")
                            .rule(rule(prefix("/young")))
                            .build(),
                    route("y").ns("alpha").rule(rule(prefix("/young"))).build()),
            List.of()));

    static Stream<Arguments> rows() {
        return Stream.of(
                arguments("Exact path matches itself", Req.get("/exact"), "a/0"),
                arguments("Exact is not a prefix: /exact/x falls to the catch-all", Req.get("/exact/x"), "a/10"),
                arguments("Exact is case-sensitive: /case is not /Case", Req.get("/case"), "a/10"),
                arguments("Exact case-sensitive positive", Req.get("/Case"), "a/18"),
                arguments("Exact trailing slash differs: /exact/ is not /exact", Req.get("/exact/"), "a/10"),
                arguments("PathPrefix /v2 matches /v2 itself", Req.get("/v2"), "a/1"),
                arguments("PathPrefix /v2 matches /v2/", Req.get("/v2/"), "a/1"),
                arguments("PathPrefix /v2 matches /v2/x", Req.get("/v2/x"), "a/1"),
                arguments("PathPrefix is element-wise: /v2x is not under /v2", Req.get("/v2x"), "a/10"),
                arguments("longest PathPrefix wins: /v2/longer beats /v2", Req.get("/v2/longer/x"), "a/2"),
                arguments("element-wise again: /v2/longerx stays on /v2", Req.get("/v2/longerx"), "a/1"),
                arguments("trailing slash on a prefix is ignored: /slash/ matches /slash", Req.get("/slash"), "a/15"),
                arguments("trailing-slash prefix matches below it", Req.get("/slash/x"), "a/15"),
                arguments("trailing-slash prefix is still element-wise: /slashx", Req.get("/slashx"), "a/10"),
                arguments(
                        "method match beats none at equal path: POST /m",
                        Req.get("/m").method("POST"),
                        "a/3"),
                arguments("method condition fails for GET, the methodless rule serves", Req.get("/m"), "a/4"),
                arguments(
                        "more header matches win: both headers",
                        Req.get("/h").header("x-a", "1").header("x-b", "2"),
                        "a/6"),
                arguments(
                        "one header satisfies only the one-header rule",
                        Req.get("/h").header("x-a", "1"),
                        "a/5"),
                arguments("header names are case-insensitive", Req.get("/h").header("X-A", "1"), "a/5"),
                arguments(
                        "header values are exact (case-sensitive)",
                        Req.get("/h").header("x-a", "1 "),
                        "a/10"),
                arguments("header absent: the conditioned rules fail", Req.get("/h"), "a/10"),
                arguments(
                        "more query matches win", Req.get("/q").query("q", "1").query("r", "2"), "a/8"),
                arguments(
                        "one query param satisfies only the one-param rule",
                        Req.get("/q").query("q", "1"),
                        "a/7"),
                arguments("query names are exact: Q is not q", Req.get("/q").query("Q", "1"), "a/10"),
                arguments(
                        "a repeated query param matches when any value does",
                        Req.get("/q").query("q", "0").query("q", "1"),
                        "a/7"),
                arguments("regex must match the whole path", Req.get("/re/12"), "a/9"),
                arguments("regex partial match does not count", Req.get("/re/12/x"), "a/10"),
                arguments("Exact beats RegularExpression", Req.get("/re/1"), "a/19"),
                arguments("RegularExpression beats PathPrefix /", Req.get("/re/7"), "a/9"),
                arguments("rule order breaks a tie inside a route", Req.get("/dup/x"), "a/11"),
                arguments("matches of a rule are ORed: first", Req.get("/or1"), "a/13"),
                arguments("matches of a rule are ORed: second", Req.get("/or2"), "a/13"),
                arguments(
                        "conditions of a match are ANDed: all hold",
                        Req.get("/and").header("x-and", "yes"),
                        "a/14"),
                arguments(
                        "conditions of a match are ANDed: method fails",
                        Req.get("/and").method("PUT").header("x-and", "yes"),
                        "a/10"),
                arguments("conditions of a match are ANDed: header fails", Req.get("/and"), "a/10"),
                arguments("header regex is a full match", Req.get("/hr").header("x-v", "v12"), "a/16"),
                arguments("header regex partial does not count", Req.get("/hr").header("x-v", "xv12"), "a/10"),
                arguments("query regex", Req.get("/qr").query("n", "b"), "a/17"),
                arguments(
                        "only the first of duplicate header names counts (X-D=1)",
                        Req.get("/hdup").header("x-d", "1"),
                        "a/21"),
                arguments(
                        "the second duplicate header condition is ignored",
                        Req.get("/hdup").header("x-d", "2"),
                        "a/10"),
                arguments("the oldest route wins a full tie", Req.get("/age"), "b/0"),
                arguments("namespace/name breaks a tie of equal age: alpha/z before beta/c", Req.get("/ns"), "z/0"),
                arguments("age beats namespace/name: alpha/y is older than alpha/c", Req.get("/young"), "y/0"),
                arguments(
                        "a longer prefix beats a method condition: POST /mm/x",
                        Req.get("/mm/x").method("POST"),
                        "a/23"),
                arguments(
                        "the method rule serves where its prefix is the longest: POST /mm/y",
                        Req.get("/mm/y").method("POST"),
                        "a/22"),
                arguments("catch-all PathPrefix / serves the rest", Req.get("/anything/else"), "a/10"),
                arguments("root path", Req.get("/"), "a/10"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void precedence(String reason, Req request, String expected) {
        expect(TABLE, request, expected);
    }
}
