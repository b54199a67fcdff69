package io.infergate.router.match;

import io.infergate.common.snapshot.Snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Compiles fixtures and states expectations as short rule names ("route/rule" or "404"). */
final class MatchAssertions {
    private MatchAssertions() {}

    static RouteTable compile(Snapshot s) {
        return switch (RouteTableCompiler.compile(s, "127.0.0.1")) {
            case RouteTableCompiler.Result.Compiled c -> c.table();
            case RouteTableCompiler.Result.Rejected r ->
                throw new AssertionError("fixture rejected: " + r.violations());
        };
    }

    /** "name/ruleIndex" of the winner, or "404". */
    static String outcome(RouteTable table, Req req) {
        return switch (table.match(req.facts())) {
            case MatchResult.Matched m ->
                m.candidate().route().name() + "/" + m.candidate().ruleIndex();
            case MatchResult.NoListener n -> "404";
            case MatchResult.NoRule n -> "404";
        };
    }

    static void expect(RouteTable table, Req req, String expected) {
        String actual = outcome(table, req);
        if (!expected.equals(actual)) {
            fail("for " + req + " expected " + expected + " but got " + actual);
        }
        assertEquals(expected, actual);
    }
}
