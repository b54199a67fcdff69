package io.infergate.conformance;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the table: every upstream Gateway API conformance test we replay ({@link RoutingCases},
 * {@link StatusCases}, {@link FilterCases}, {@link TrafficCases}, {@link TlsCases}, {@link BackendTlsCases}), one JUnit container per upstream
 * test, one JUnit test per case, all against the one shared {@link ConformanceEnv}.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class ConformanceTest {

    /** The table: each entry names its upstream test once. */
    static List<UpstreamTest> table() {
        List<UpstreamTest> all = new ArrayList<>();
        all.addAll(RoutingCases.all());
        all.addAll(StatusCases.all());
        all.addAll(FilterCases.all());
        all.addAll(TrafficCases.all());
        all.addAll(TlsCases.all());
        all.addAll(BackendTlsCases.all());
        return all;
    }

    @TestFactory
    Stream<DynamicContainer> upstreamTests(ConformanceEnv env) {
        return table().stream().map(t -> t.tests(env));
    }

    /** The table's shape: every upstream test once, with cases, and the 319 cases the suite has run so far. */
    @Test
    void everyUpstreamTestIsInTheTableOnce() {
        Set<String> names = new HashSet<>();
        int cases = 0;
        for (UpstreamTest t : table()) {
            assertTrue(names.add(t.name()), t.name() + " is in the table twice");
            assertTrue(!t.cases().isEmpty(), t.name() + " has no cases");
            cases += t.cases().size();
        }
        assertEquals(63, names.size(), "upstream tests");
        assertEquals(319, cases, "cases");
    }
}
