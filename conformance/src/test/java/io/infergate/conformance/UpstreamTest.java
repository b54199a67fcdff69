package io.infergate.conformance;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;

import java.util.ArrayList;
import java.util.List;

/**
 * One upstream conformance test as one entry of the table: the manifests it applies (from
 * {@code conformance/<manifests>.yaml}), what the status must say before anything is sent (its
 * preconditions, upstream's {@code GatewayAndHTTPRoutesMustBeAccepted}), and its cases. Each case
 * becomes one JUnit test under a container named after the upstream test, so a failure names the
 * upstream test and subtest it replays.
 */
final class UpstreamTest {

    /** Something to check against the served manifests. */
    @FunctionalInterface
    interface Step {
        void run(Served served) throws Exception;
    }

    /** Something to check after one row's request was answered (mirrored copies). */
    @FunctionalInterface
    interface AfterRow {
        void run(Served served, Expected row) throws Exception;
    }

    /** One case: one JUnit test. */
    record Case(String name, Step step) {}

    private final String name;
    private final String manifests;
    private final List<Step> preconditions = new ArrayList<>();
    private final List<Case> cases = new ArrayList<>();

    private UpstreamTest(String name, String manifests) {
        this.name = name;
        this.manifests = manifests;
    }

    /** Upstream test {@code name}, run on {@code base.yaml} plus {@code conformance/<manifests>.yaml}. */
    static UpstreamTest upstream(String name, String manifests) {
        return new UpstreamTest(name, manifests);
    }

    String name() {
        return name;
    }

    List<Case> cases() {
        return List.copyOf(cases);
    }

    /** Precondition: the route in gateway-conformance-infra is Accepted and ResolvedRefs on the Gateway. */
    UpstreamTest accepted(String route, String gateway) {
        preconditions.add(s -> s.routeAccepted(route, gateway));
        return this;
    }

    /** Precondition: one condition of the route's status for the parent Gateway. */
    UpstreamTest condition(String namespace, String route, String gateway, String type, boolean isTrue, String reason) {
        preconditions.add(s -> s.routeCondition(namespace, route, gateway, type, isTrue, reason));
        return this;
    }

    /** One case per row, each sent to the Gateway (a name in gateway-conformance-infra). */
    UpstreamTest rows(String gateway, Expected... rows) {
        return rows("", gateway, (s, r) -> {}, rows);
    }

    /** As {@link #rows(String, Expected...)}, the cases named {@code group/row} (upstream's nested subtests). */
    UpstreamTest rows(String group, String gateway, Expected... rows) {
        return rows(group, gateway, (s, r) -> {}, rows);
    }

    /** As {@link #rows(String, String, Expected...)}, every row sent to the given listener port. */
    UpstreamTest rows(String group, String gateway, Expected.Listener listener, Expected... rows) {
        for (Expected row : rows) {
            row.on(listener);
        }
        return rows(group, gateway, rows);
    }

    /** As {@link #rows(String, Expected...)}, with a check after each row's answer. */
    UpstreamTest rows(String gateway, AfterRow after, Expected... rows) {
        return rows("", gateway, after, rows);
    }

    /** As {@link #rows(String, String, Expected...)}, with a check after each row's answer. */
    UpstreamTest rows(String group, String gateway, AfterRow after, Expected... rows) {
        Expected.table(rows)
                .forEach(row -> cases.add(new Case(group.isEmpty() ? row.toString() : group + "/" + row, served -> {
                    served.check(gateway, row);
                    after.run(served, row);
                })));
        return this;
    }

    /** One case with its own steps (status checks, distributions, several requests). */
    UpstreamTest check(String caseName, Step step) {
        cases.add(new Case(caseName, step));
        return this;
    }

    /** The JUnit tests: every case serves the manifests (once for all of them), checks the preconditions, runs. */
    DynamicContainer tests(ConformanceEnv env) {
        return DynamicContainer.dynamicContainer(
                name,
                cases.stream()
                        .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                            Served served = env.serve(manifests);
                            for (Step p : preconditions) {
                                p.run(served);
                            }
                            c.step().run(served);
                        })));
    }
}
