package io.infergate.router.proxy;

import io.infergate.common.snapshot.Filter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What an external picker sees of an authenticated caller: the identity, never the credential. */
class PickerIdentityTest {

    @Test
    void theCredentialIsStrippedAndTheTenantSetBeforeThePickerSeesTheHeaders() {
        List<Map.Entry<String, String>> headers = new ArrayList<>(List.of(
                Map.entry("authorization", "Bearer sk-team-a"),
                Map.entry("X-Api-Key", "sk-other"),
                Map.entry("x-infergate-tenant", "forged"),
                Map.entry("content-type", "application/json")));
        PickerRouting.withIdentity(
                headers,
                new Filter.RequestHeaderModifier(
                        List.of(new Filter.Header("X-Infergate-Tenant", "team-a")),
                        List.of(),
                        List.of("authorization", "x-api-key", "x-infergate-tenant")));
        assertEquals(
                List.of(Map.entry("content-type", "application/json"), Map.entry("x-infergate-tenant", "team-a")),
                headers);
    }

    @Test
    void withoutAPolicyTheHeadersStayAsTheyAre() {
        List<Map.Entry<String, String>> headers = new ArrayList<>(List.of(Map.entry("authorization", "Bearer x")));
        PickerRouting.withIdentity(headers, null);
        assertEquals(List.of(Map.entry("authorization", "Bearer x")), headers);
    }
}
