package io.infergate.router.schedule.admission;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fair queueing between tenants, in slots rather than seconds: a saturated pool frees one slot per
 * step and the head of the queue takes it, so a wait is counted in steps (no clock is read).
 */
class FairOrderTest {

    /**
     * One saturated run: tenant A sends {@code aPerCycle} requests and B one per cycle of
     * {@code aPerCycle + 1} steps (A sends 10x B's traffic at 10), after a standing backlog of A's;
     * one request leaves per step. Returns B's waits in steps, arrival to leaving.
     *
     * @param sharedFlow put both tenants in one flow: first come, first served (the old queue)
     */
    private static List<Integer> bWaits(int aPerCycle, int backlog, int cycles, boolean sharedFlow) {
        FairOrder order = new FairOrder();
        Map<FairOrder.Entry, Integer> arrivedAt = new HashMap<>();
        List<Integer> waits = new ArrayList<>();
        String a = "team-a";
        String b = sharedFlow ? a : "team-b";
        for (int i = 0; i < backlog; i++) {
            arrivedAt.put(order.add(a, 0), 0);
        }
        int cycle = aPerCycle + 1;
        for (int step = 0; step < cycles * cycle; step++) {
            if (step % cycle != cycle / 2) {
                arrivedAt.put(order.add(a, 0), step);
            } else {
                arrivedAt.put(order.add(b, 0), step); // B's request: the one arriving mid-cycle
            }
            FairOrder.Entry head = order.head();
            order.admitted(head);
            int arrival = arrivedAt.remove(head);
            if (arrival % cycle == cycle / 2 && (aPerCycle == 0 || arrival > 0)) {
                waits.add(step - arrival + 1); // 1: it took the very next slot
            }
        }
        return waits;
    }

    private static int p90(List<Integer> values) {
        List<Integer> sorted = values.stream().sorted().toList();
        return sorted.get((int) Math.ceil(0.9 * sorted.size()) - 1);
    }

    @Test
    void aTenantSendingTenTimesTheTrafficDoesNotDoubleTheOthersP90Wait() {
        int unloaded = p90(bWaits(0, 0, 50, false));
        List<Integer> loaded = bWaits(10, 20, 50, false);
        assertEquals(50, loaded.size(), "every B request left within the run");
        assertEquals(1, unloaded, "alone, B's request is the head and takes the next slot");
        assertTrue(
                p90(loaded) <= 2 * unloaded,
                "B's p90 wait " + p90(loaded) + " steps under A's 10x load, unloaded " + unloaded);
        int fifo = p90(bWaits(10, 20, 50, true));
        assertTrue(fifo > 2 * unloaded, "first come, first served would make B wait behind A's backlog: " + fifo);
    }

    @Test
    void priorityStillComesFirstAndOneFlowIsFirstComeFirstServed() {
        FairOrder order = new FairOrder();
        FairOrder.Entry a1 = order.add("a", 0);
        FairOrder.Entry a2 = order.add("a", 0);
        FairOrder.Entry b1 = order.add("b", 0);
        FairOrder.Entry urgent = order.add("a", 5);
        List<FairOrder.Entry> left = new ArrayList<>();
        while (!order.isEmpty()) {
            FairOrder.Entry head = order.head();
            order.admitted(head);
            left.add(head);
        }
        assertEquals(
                List.of(urgent, a1, b1, a2), left, "priority 5 first; then a and b alternate, each in arrival order");
    }

    @Test
    void anIdleQueueForgetsPastShares() {
        FairOrder order = new FairOrder();
        for (int i = 0; i < 5; i++) {
            order.admitted(order.add("a", 0));
        }
        FairOrder.Entry b = order.add("b", 0);
        FairOrder.Entry a = order.add("a", 0);
        assertEquals(b, order.head(), "arrival order: a's earlier requests were served while nobody else waited");
        order.gaveUp(b);
        assertEquals(a, order.head());
        assertEquals(1, order.size());
    }
}
