package io.infergate.router.schedule.framework;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A scorer that knows its endpoints' slots and the prefix each request prefers, and so can hold
 * requests at the gateway while every slot is taken (late binding, docs/adr/0042-late-binding-gate.md).
 * The pool's admission queue asks it; the profile finds it among its scorers ({@link Profile#gate()}).
 */
public interface SlotGate {

    /** Whether this scorer was configured to gate admission. */
    boolean gates();

    /**
     * Whether the candidates this request would be sent to have no free slot: the ones its prefix
     * prefers ({@link #homes}), or all when it prefers none; false when any candidate's slots are
     * unknown. Counts this router's picks and completions since each scrape.
     */
    boolean full(PickContext request, List<EndpointView> candidates);

    /**
     * The keys ({@code address:port}) of the candidates the request's prefix prefers (an empty set
     * when none), or empty when not every candidate's slots are known: then the request does not
     * bind late.
     */
    Optional<Set<String>> homes(PickContext request, List<EndpointView> candidates);

    /**
     * Waiters for one endpoint at this router beyond which a request of that line takes a free
     * slot that nobody waits for (ADR 0044); 0: no line test.
     */
    int lineSlack();

    /**
     * Per candidate with known slots, its key and the free slots that are this router's to fill
     * (0 when none; with several routers its share of the ones the scrapes show, ADR 0044).
     */
    Map<String, Integer> freeSlots(List<EndpointView> candidates);

    /**
     * The keys of the candidates in the order a request that waited out takes a free slot
     * (ADR 0044): the prefix's rendezvous order, the same on every router, so that the requests of
     * a group that spill all go to one second endpoint, which then holds the group too. Empty for a
     * prompt without a full block (any endpoint).
     */
    List<String> spillOrder(PickContext request, List<EndpointView> candidates);

    /** How long a request waits for its homes while another candidate has a free slot. */
    Duration maxWait();

    /** Whether the candidate of that key is known to have no free slot; false when unknown. */
    boolean fullAt(List<EndpointView> candidates, String key);
}
