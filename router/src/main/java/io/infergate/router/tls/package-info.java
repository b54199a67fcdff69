/**
 * TLS termination on HTTPS listeners: certificates chosen by SNI per socket, swapped on every
 * snapshot without restarting sockets, and the 421 answer when SNI and Host pick different listeners.
 */
package io.infergate.router.tls;
