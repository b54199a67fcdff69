package io.infergate.controller.kube;

import java.util.List;
import java.util.logging.Filter;
import java.util.logging.Logger;

/**
 * Quiets the Kubernetes client's logging of its own shutdown: stopping an informer or the
 * leader elector interrupts their threads, which the client reports at ERROR ("processLoop get
 * interrupted", "processor interrupted", "renew loop gets interrupted") although nothing failed.
 * Other records of those loggers pass unchanged.
 */
final class ClientLogs {

    private static final List<String> LOGGERS = List.of(
            "io.kubernetes.client.informer.cache.Controller",
            "io.kubernetes.client.informer.cache.ProcessorListener",
            "io.kubernetes.client.informer.cache.ReflectorRunnable",
            "io.kubernetes.client.extended.leaderelection.LeaderElector");
    /** Held strongly: JUL forgets the filter of a logger nobody references. */
    private static final List<Logger> HELD =
            LOGGERS.stream().map(Logger::getLogger).toList();

    private static final Filter NOT_INTERRUPTIONS = r -> {
        String m = r.getMessage();
        return !(m != null && m.contains("interrupted")) && !(r.getThrown() instanceof InterruptedException);
    };

    private ClientLogs() {}

    /** Installs the filter (idempotent). */
    static void quietShutdown() {
        HELD.forEach(l -> l.setFilter(NOT_INTERRUPTIONS));
    }
}
