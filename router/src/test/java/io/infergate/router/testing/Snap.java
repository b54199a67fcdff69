package io.infergate.router.testing;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.BackendRef;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.common.snapshot.Filter;
import io.infergate.common.snapshot.Gateway;
import io.infergate.common.snapshot.HttpRoute;
import io.infergate.common.snapshot.Listener;
import io.infergate.common.snapshot.ListenerRef;
import io.infergate.common.snapshot.Match;
import io.infergate.common.snapshot.PathMatch;
import io.infergate.common.snapshot.Rule;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.snapshot.Timeouts;
import io.infergate.common.snapshot.ValueMatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Terse builders for snapshots in tests. Namespace "default" unless said otherwise. */
public final class Snap {

    private Snap() {}

    public static Snapshot snapshot(List<Gateway> gateways, List<HttpRoute> routes, List<Backend> backends) {
        return new Snapshot(Snapshot.SCHEMA_VERSION, gateways, routes, backends, List.of());
    }

    public static Gateway gateway(String name, Listener... listeners) {
        return gateway(name, List.of(), listeners);
    }

    public static Gateway gateway(String name, List<String> addresses, Listener... listeners) {
        return new Gateway(Gateway.idOf("default", name), "default", name, addresses, List.of(listeners));
    }

    public static Listener listener(String name, int port) {
        return new Listener(name, port, Listener.Protocol.HTTP, Optional.empty());
    }

    public static Listener listener(String name, int port, String hostname) {
        return new Listener(name, port, Listener.Protocol.HTTP, Optional.ofNullable(hostname));
    }

    /** A listener served on router port {@code port} that clients reach on {@code publicPort}. */
    public static Listener remapped(String name, int port, int publicPort, String hostname) {
        return new Listener(name, port, Listener.Protocol.HTTP, Optional.ofNullable(hostname), Optional.of(publicPort));
    }

    public static ListenerRef parent(String gateway, String listener) {
        return new ListenerRef(Gateway.idOf("default", gateway), listener);
    }

    public static Backend.Service service(String name, int port, Endpoint... endpoints) {
        return new Backend.Service(
                Backend.Service.idOf("default", name, port),
                "default",
                name,
                port,
                Backend.AppProtocol.HTTP,
                List.of(endpoints));
    }

    public static Backend.InferencePool pool(String name, Endpoint... endpoints) {
        return new Backend.InferencePool(
                Backend.InferencePool.idOf("default", name),
                "default",
                name,
                Backend.AppProtocol.HTTP,
                List.of(endpoints),
                Optional.empty());
    }

    public static Endpoint endpoint(String address, int port, String pod) {
        return new Endpoint(address, port, Optional.ofNullable(pod), Map.of());
    }

    public static RouteBuilder route(String name) {
        return new RouteBuilder(name);
    }

    public static RuleBuilder rule(M... matches) {
        return new RuleBuilder(Arrays.stream(matches).map(M::build).toList());
    }

    public static M prefix(String value) {
        return new M(new PathMatch(PathMatch.Type.PATH_PREFIX, value));
    }

    public static M exact(String value) {
        return new M(new PathMatch(PathMatch.Type.EXACT, value));
    }

    public static M regex(String value) {
        return new M(new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, value));
    }

    /** A match under construction. */
    public static final class M {
        private final PathMatch path;
        private Optional<String> method = Optional.empty();
        private final List<ValueMatch> headers = new ArrayList<>();
        private final List<ValueMatch> query = new ArrayList<>();
        private Optional<String> model = Optional.empty();

        M(PathMatch path) {
            this.path = path;
        }

        /** The body's model must be {@code name} (a Kthena ModelRoute's condition). */
        public M model(String name) {
            model = Optional.of(name);
            return this;
        }

        public M method(String m) {
            method = Optional.of(m);
            return this;
        }

        public M header(String name, String value) {
            headers.add(new ValueMatch(ValueMatch.Type.EXACT, name, value));
            return this;
        }

        public M headerRegex(String name, String value) {
            headers.add(new ValueMatch(ValueMatch.Type.REGULAR_EXPRESSION, name, value));
            return this;
        }

        public M query(String name, String value) {
            query.add(new ValueMatch(ValueMatch.Type.EXACT, name, value));
            return this;
        }

        public M queryRegex(String name, String value) {
            query.add(new ValueMatch(ValueMatch.Type.REGULAR_EXPRESSION, name, value));
            return this;
        }

        Match build() {
            return new Match(path, method, headers, query, model);
        }
    }

    /** A rule under construction; its id is assigned by the route. */
    public static final class RuleBuilder {
        private final List<Match> matches;
        private final List<Filter> filters = new ArrayList<>();
        private final List<BackendRef> backends = new ArrayList<>();
        private Timeouts timeouts = Timeouts.NONE;

        RuleBuilder(List<Match> matches) {
            this.matches = matches.isEmpty() ? List.of(Match.defaultMatch()) : matches;
        }

        public RuleBuilder backend(String backendId, int weight) {
            backends.add(new BackendRef(Optional.ofNullable(backendId), weight, List.of()));
            return this;
        }

        public RuleBuilder backend(String backendId) {
            return backend(backendId, 1);
        }

        public RuleBuilder filter(Filter f) {
            filters.add(f);
            return this;
        }

        public RuleBuilder requestTimeout(Duration d) {
            timeouts = new Timeouts(Optional.of(d), timeouts.backendRequest());
            return this;
        }

        Rule build(String id) {
            return new Rule(id, matches, filters, backends, timeouts);
        }
    }

    /** A route under construction. */
    public static final class RouteBuilder {
        private final String name;
        private String namespace = "default";
        private String created = "2024-01-01T00:00:00Z";
        private List<String> hostnames = List.of();
        private List<ListenerRef> parents = List.of(parent("gw", "http"));
        private final List<RuleBuilder> rules = new ArrayList<>();

        RouteBuilder(String name) {
            this.name = name;
        }

        public RouteBuilder ns(String ns) {
            namespace = ns;
            return this;
        }

        public RouteBuilder created(String ts) {
            created = ts;
            return this;
        }

        public RouteBuilder hosts(String... h) {
            hostnames = List.of(h);
            return this;
        }

        public RouteBuilder parents(ListenerRef... p) {
            parents = List.of(p);
            return this;
        }

        public RouteBuilder rule(RuleBuilder r) {
            rules.add(r);
            return this;
        }

        public HttpRoute build() {
            String id = HttpRoute.idOf(namespace, name);
            List<Rule> built = new ArrayList<>();
            for (int i = 0; i < rules.size(); i++) {
                built.add(rules.get(i).build(id + "/rule/" + i));
            }
            return new HttpRoute(id, namespace, name, created, hostnames, parents, built);
        }
    }
}
