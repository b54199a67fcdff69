package io.infergate.router.observe;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TenantLabelsTest {

    @Test
    void theFirstTenantsKeepTheirNameTheRestAreOther() {
        TenantLabels labels = new TenantLabels(3);
        assertEquals("a", labels.label("a"));
        assertEquals("b", labels.label("b"));
        assertEquals("c", labels.label("c"));
        assertEquals(TenantLabels.OTHER, labels.label("d"), "a fourth tenant with a bound of 3");
        assertEquals("a", labels.label("a"), "a known tenant keeps its label");
        assertEquals(TenantLabels.OTHER, labels.label("e"));
    }
}
