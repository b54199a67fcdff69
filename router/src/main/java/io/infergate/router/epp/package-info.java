/** The endpoint picker this router serves to Envoy-based gateways: an ext_proc server over the router's own scheduling. */
package io.infergate.router.epp;
