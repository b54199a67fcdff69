/**
 * TLS key material in the form Kubernetes Secrets carry it (PEM): parsing and checking it the same
 * way in the controller (status) and the router (serving), and issuing certificates (tests, a CA).
 */
package io.infergate.common.tls;
