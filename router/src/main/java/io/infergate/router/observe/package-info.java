/** Router observability: Prometheus meters, the access log, and the readiness check. */
package io.infergate.router.observe;
