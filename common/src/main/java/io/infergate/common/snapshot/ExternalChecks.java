package io.infergate.common.snapshot;

import io.infergate.common.tls.KeyMaterial;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The external provider part of {@link SnapshotValidator}: the base URL is {@code https} with a
 * host (a DNS name or an IP literal), an optional port and path, and no user info, query or
 * fragment (the router appends the request's path and query itself); the key is not blank and
 * holds no control characters (it goes into a header); every CA bundle parses as PEM
 * certificates. Messages never repeat the key.
 */
public final class ExternalChecks {

    private ExternalChecks() {}

    /** Why {@code x} cannot be served, at JSON pointer {@code at}; empty when it can. */
    static List<Violation> check(Backend.External x, String at) {
        List<Violation> out = new ArrayList<>();
        String why = urlProblem(x.baseUrl());
        if (why != null) {
            out.add(new Violation(at + "/baseUrl", why));
        }
        if (x.apiKey().isBlank()) {
            out.add(new Violation(at + "/apiKey", "must not be empty"));
        } else if (x.apiKey().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            out.add(new Violation(at + "/apiKey", "must not contain control characters"));
        }
        for (int c = 0; c < x.caCertificates().size(); c++) {
            try {
                KeyMaterial.certificates(x.caCertificates().get(c));
            } catch (KeyMaterial.Invalid e) {
                out.add(new Violation(at + "/caCertificates/" + c, e.getMessage()));
            }
        }
        return out;
    }

    /** Why {@code url} is not a usable base URL, or null when it is. */
    public static String urlProblem(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (java.net.URISyntaxException e) {
            return "is not a URL: " + e.getReason();
        }
        if (!"https".equals(u.getScheme())) {
            return "must be an https URL (TLS is required), is '" + url + "'";
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            return "has no host: '" + url + "'";
        }
        if (u.getRawUserInfo() != null || u.getRawQuery() != null || u.getRawFragment() != null) {
            return "must not have user info, a query or a fragment: '" + url + "'";
        }
        return null;
    }
}
