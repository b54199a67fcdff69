package io.infergate.conformance.inference;

import io.infergate.controller.kube.KubeRest;
import io.infergate.controller.kube.Trees;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Plays kube-proxy for a bare kube-apiserver whose Service range is a loopback range: every
 * ClusterIP Service with a selector is served on {@code clusterIP:port}, and each connection is
 * forwarded to one ready Pod the selector picks ({@code podIP:targetPort}, numbers and named
 * container ports), round robin.
 *
 * <p>Rules (what a cluster does, as far as a test can see it): a Service port without ready
 * endpoints refuses connections (kube-proxy rejects them); when an endpoint leaves a Service (its
 * Pod no longer selected, not ready, gone), the connections forwarded to it are closed, as a
 * gateway that watches the endpoints would drop them. Level-triggered: the Services and Pods are
 * listed every {@link #PERIOD}, and the listeners are made equal to what they say.
 */
final class ServiceProxy implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServiceProxy.class.getName());
    static final Duration PERIOD = Duration.ofMillis(100);

    /** One Service port's forwarding: where it listens and where it may forward to. */
    private record Route(String clusterIp, int port, List<String> endpoints) {
        String key() {
            return clusterIp + ":" + port;
        }
    }

    private final KubeRest rest;
    private final Map<String, Listening> listening = new ConcurrentHashMap<>();
    private final Thread loop;
    private volatile boolean running = true;

    ServiceProxy(KubeRest rest) {
        this.rest = rest;
        this.loop = Thread.ofVirtual().name("service-proxy").start(this::run);
    }

    private void run() {
        while (running) {
            try {
                sync(routes());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "service proxy: listing failed, retrying", e);
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(PERIOD);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Every Service port with its ready endpoints, from one listing of Services and Pods. */
    @SuppressWarnings("unchecked")
    private List<Route> routes() throws IOException, InterruptedException {
        List<Map<String, Object>> services = items("/api/v1/services");
        List<Map<String, Object>> pods = items("/api/v1/pods");
        List<Route> out = new ArrayList<>();
        for (Map<String, Object> svc : services) {
            Map<String, Object> meta = Trees.map(svc, "metadata");
            Map<String, Object> spec = Trees.map(svc, "spec");
            String ip = (String) spec.get("clusterIP");
            Map<String, Object> selector = (Map<String, Object>) spec.get("selector");
            if (ip == null || ip.equals("None") || !ip.startsWith("127.") || selector == null || selector.isEmpty()) {
                continue;
            }
            for (Object p : Trees.list(spec, "ports")) {
                Map<String, Object> port = (Map<String, Object>) p;
                if (!"TCP".equals(port.getOrDefault("protocol", "TCP"))) {
                    continue;
                }
                int number = ((Long) port.get("port")).intValue();
                Object target = port.getOrDefault("targetPort", (long) number);
                List<String> endpoints = new ArrayList<>();
                for (Map<String, Object> pod : pods) {
                    Map<String, Object> podMeta = Trees.map(pod, "metadata");
                    if (!Objects.equals(podMeta.get("namespace"), meta.get("namespace"))
                            || !selected(selector, (Map<String, Object>) podMeta.get("labels"))
                            || !ready(pod)) {
                        continue;
                    }
                    Integer targetNumber = targetPort(pod, target);
                    if (targetNumber != null) {
                        endpoints.add(Trees.map(pod, "status").get("podIP") + ":" + targetNumber);
                    }
                }
                endpoints.sort(String::compareTo);
                out.add(new Route(ip, number, endpoints));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> items(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = rest.raw(path);
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": " + r.statusCode());
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : Trees.list((Map<String, Object>) Trees.parse(r.body()), "items")) {
            out.add((Map<String, Object>) o);
        }
        return out;
    }

    private static boolean selected(Map<String, Object> selector, Map<String, Object> labels) {
        return labels != null
                && selector.entrySet().stream().allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
    }

    /** Running, with an IP, Ready=True and not being deleted: what an EndpointSlice counts as ready. */
    @SuppressWarnings("unchecked")
    private static boolean ready(Map<String, Object> pod) {
        Map<String, Object> status = Trees.map(pod, "status");
        if (status == null
                || Trees.map(pod, "metadata").get("deletionTimestamp") != null
                || !"Running".equals(status.get("phase"))
                || status.get("podIP") == null) {
            return false;
        }
        return Trees.list(status, "conditions").stream()
                .map(c -> (Map<String, Object>) c)
                .anyMatch(c -> "Ready".equals(c.get("type")) && "True".equals(c.get("status")));
    }

    /** The target port on this pod: a number as is, a name through the pod's container ports. */
    @SuppressWarnings("unchecked")
    private static Integer targetPort(Map<String, Object> pod, Object target) {
        if (target instanceof Long n) {
            return n.intValue();
        }
        for (Object c : Trees.list(Trees.map(pod, "spec"), "containers")) {
            for (Object p : Trees.list((Map<String, Object>) c, "ports")) {
                Map<String, Object> port = (Map<String, Object>) p;
                if (target.equals(port.get("name"))) {
                    return ((Long) port.get("containerPort")).intValue();
                }
            }
        }
        return null;
    }

    /** Makes the listeners equal to the routes: open, retarget or close them. */
    private void sync(List<Route> routes) {
        Map<String, Route> wanted = new HashMap<>();
        routes.stream().filter(r -> !r.endpoints().isEmpty()).forEach(r -> wanted.put(r.key(), r));
        for (String key : Set.copyOf(listening.keySet())) {
            if (!wanted.containsKey(key)) {
                listening.remove(key).close();
            }
        }
        wanted.forEach((key, route) -> {
            Listening l = listening.get(key);
            if (l == null) {
                try {
                    listening.put(key, new Listening(route));
                } catch (IOException e) {
                    LOG.warning("service proxy cannot listen on " + key + ": " + e.getMessage());
                }
            } else {
                l.retarget(route.endpoints());
            }
        });
    }

    @Override
    public void close() {
        running = false;
        loop.interrupt();
        try {
            loop.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listening.values().forEach(Listening::close);
        listening.clear();
    }

    /** One listening Service port and the connections it forwards. */
    private static final class Listening {
        private final ServerSocket server;
        private final AtomicInteger next = new AtomicInteger();
        private final Map<Socket, String> forwarded = new ConcurrentHashMap<>();
        private volatile List<String> endpoints;

        Listening(Route route) throws IOException {
            this.endpoints = List.copyOf(route.endpoints());
            this.server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getByName(route.clusterIp()), route.port()), 128);
            Thread.ofVirtual().name("service-proxy-" + route.key()).start(this::accept);
        }

        void retarget(List<String> now) {
            if (now.equals(endpoints)) {
                return;
            }
            endpoints = List.copyOf(now);
            forwarded.forEach((socket, endpoint) -> {
                if (!now.contains(endpoint)) {
                    closeQuietly(socket);
                }
            });
        }

        private void accept() {
            while (!server.isClosed()) {
                Socket client;
                try {
                    client = server.accept();
                } catch (IOException e) {
                    return;
                }
                Thread.ofVirtual().start(() -> forward(client));
            }
        }

        private void forward(Socket client) {
            List<String> now = endpoints;
            String endpoint = now.get(Math.floorMod(next.getAndIncrement(), now.size()));
            int colon = endpoint.lastIndexOf(':');
            Socket upstream = new Socket();
            try {
                upstream.connect(
                        new InetSocketAddress(
                                InetAddress.getByName(endpoint.substring(0, colon)),
                                Integer.parseInt(endpoint.substring(colon + 1))),
                        2000);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                return;
            }
            forwarded.put(client, endpoint);
            forwarded.put(upstream, endpoint);
            Thread up = Thread.ofVirtual().start(() -> pipe(client, upstream));
            pipe(upstream, client);
            try {
                up.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            forwarded.remove(client);
            forwarded.remove(upstream);
            closeQuietly(client);
            closeQuietly(upstream);
        }

        /** Copies one direction until it ends, then half-closes the other side's output; an error closes both. */
        private static void pipe(Socket from, Socket to) {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }

        void close() {
            closeQuietly(server);
            forwarded.keySet().forEach(Listening::closeQuietly);
        }

        private static void closeQuietly(java.io.Closeable c) {
            try {
                c.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
