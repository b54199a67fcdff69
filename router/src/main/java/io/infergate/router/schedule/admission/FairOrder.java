package io.infergate.router.schedule.admission;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The order a pool's waiting requests leave in: highest priority first, then, within a priority,
 * start-time fair queueing between flows (tenants), then arrival. Pure: no clock, no locks (the
 * pool queue holds its lock around every call).
 *
 * <p>Rule (start-time fair queueing, one unit of cost per request): a request's tag is the larger
 * of the virtual time (the tag of the last request that left) and its flow's previous finish
 * (that flow's last tag + 1); the smallest tag leaves first. A flow with a deep backlog has tags
 * far ahead of the virtual time, so a request of a quiet flow gets a tag near the virtual time and
 * leaves after at most one request of each other backlogged flow, however many that flow queued.
 * With a single flow the tags are the arrival order: plain first come, first served.
 */
final class FairOrder {

    /**
     * One waiting request.
     *
     * @param tag its start tag
     * @param seq arrival, the last tie-breaker
     */
    record Entry(String flow, int priority, long tag, long seq) {}

    private static final Comparator<Entry> ORDER = Comparator.comparingInt(Entry::priority)
            .reversed()
            .thenComparingLong(Entry::tag)
            .thenComparingLong(Entry::seq);

    // ordered (not a heap) so that a freed slot can look past the head (ADR 0042); entries are
    // unique by seq, so the comparator is consistent with equals
    private final TreeSet<Entry> queue = new TreeSet<>(ORDER);
    /** Each flow's next start tag; forgotten when the queue empties (an idle system owes nobody). */
    private final Map<String, Long> finish = new HashMap<>();

    private long virtualTime;
    private long seq;

    /** A request of {@code flow} starts waiting. */
    Entry add(String flow, int priority) {
        long tag = Math.max(virtualTime, finish.getOrDefault(flow, 0L));
        finish.put(flow, tag + 1);
        Entry e = new Entry(flow, priority, tag, seq++);
        queue.add(e);
        return e;
    }

    /** The request that leaves next, or null. */
    Entry head() {
        return queue.isEmpty() ? null : queue.first();
    }

    /**
     * Up to {@code max} waiting requests that {@code include} keeps, in leaving order, all of the
     * priority of the first one kept (a freed slot may go to one of them instead of the first,
     * ADR 0042; never to a lower priority).
     */
    List<Entry> first(int max, Predicate<Entry> include) {
        List<Entry> out = new ArrayList<>(Math.min(max, queue.size()));
        for (Entry e : queue) {
            if (out.size() >= max
                    || (!out.isEmpty() && e.priority() != out.getFirst().priority())) {
                break;
            }
            if (include.test(e)) {
                out.add(e);
            }
        }
        return out;
    }

    /** {@code e} leaves to be served: the virtual time advances to its tag. */
    void admitted(Entry e) {
        queue.remove(e);
        virtualTime = Math.max(virtualTime, e.tag());
        if (queue.isEmpty()) {
            finish.clear();
        }
    }

    /** {@code e} leaves without being served (timeout, interrupt). */
    void gaveUp(Entry e) {
        queue.remove(e);
        if (queue.isEmpty()) {
            finish.clear();
        }
    }

    int size() {
        return queue.size();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }
}
