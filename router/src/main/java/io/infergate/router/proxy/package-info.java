/** The per-request pipeline of public sockets: match, choose a backend, pick an endpoint, and stream the exchange to it. */
package io.infergate.router.proxy;
