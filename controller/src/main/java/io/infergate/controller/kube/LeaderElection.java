package io.infergate.controller.kube;

import io.infergate.controller.lifecycle.BackgroundThreads;
import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.kubernetes.client.openapi.ApiClient;

import java.time.Duration;
import java.util.logging.Logger;

/**
 * Leader election on a {@code coordination.k8s.io} Lease, with the client's LeaderElector.
 *
 * <p>Rules: candidates retry every {@code retry} (plus the elector's jitter); a leader that cannot
 * renew within {@code renew} stops leading, and the election starts over (the elector itself
 * does not return to candidacy). A standby takes over once it has seen the Lease unchanged for
 * {@code lease}; {@link #close()} releases the Lease when leading, so a graceful shutdown hands
 * over within one retry period. {@link Listener} calls come from the elector's threads.
 */
public final class LeaderElection implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeaderElection.class.getName());

    private final ApiClient client;
    private final Settings settings;
    private final Listener listener;
    private volatile boolean running;
    private volatile boolean leading;
    private volatile LeaderElector elector;
    private Thread thread;

    /**
     * Where and how candidates compete for the Lease.
     *
     * @param namespace the Lease's namespace
     * @param name      the Lease's name
     * @param identity  this candidate, unique among candidates
     * @param lease     how long a Lease is honoured without renewal
     * @param renew     how long a leader keeps trying to renew before it stops leading
     * @param retry     how often candidates try and leaders renew
     */
    public record Settings(
            String namespace, String name, String identity, Duration lease, Duration renew, Duration retry) {
        /**
         * 10 s / 7 s / 1 s: a standby takes over within about 10 s plus two jittered retries
         * (under 15 s) of a leader dying without releasing the Lease.
         */
        public static Settings defaults(String namespace, String name, String identity) {
            return new Settings(
                    namespace, name, identity, Duration.ofSeconds(10), Duration.ofSeconds(7), Duration.ofSeconds(1));
        }
    }

    /** Told when leadership starts and stops. */
    public interface Listener {
        void startedLeading();

        void stoppedLeading();
    }

    public LeaderElection(ApiClient client, Settings settings, Listener listener) {
        this.client = client;
        this.settings = settings;
        this.listener = listener;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("leader-election").daemon().start(this::loop);
    }

    public boolean isLeader() {
        return leading;
    }

    public String identity() {
        return settings.identity();
    }

    private void loop() {
        while (running) {
            LeaderElectionConfig config = new LeaderElectionConfig(
                    new LeaseLock(settings.namespace(), settings.name(), settings.identity(), client),
                    settings.lease(),
                    settings.renew(),
                    settings.retry());
            LeaderElector e = new LeaderElector(config, t -> LOG.warning(() -> "leader election: " + t));
            elector = e;
            e.run(this::started, this::stopped);
            if (!running) {
                return;
            }
            e.close();
            try {
                Thread.sleep(settings.retry());
            } catch (InterruptedException ex) {
                return;
            }
        }
    }

    private void started() {
        if (!running) {
            return;
        }
        leading = true;
        LOG.info(() -> settings.identity() + " leads (Lease " + settings.namespace() + "/" + settings.name() + ")");
        listener.startedLeading();
    }

    private void stopped() {
        // The elector calls this when run() ends, also when it never led.
        if (leading) {
            leading = false;
            LOG.info(() -> settings.identity() + " stopped leading");
            listener.stoppedLeading();
        }
    }

    /** Stops campaigning; releases the Lease when leading. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            t = thread;
        }
        stopped();
        LeaderElector e = elector;
        if (e != null) {
            e.close(); // gives the Lease up when this candidate holds it
        }
        BackgroundThreads.stop(t);
    }
}
