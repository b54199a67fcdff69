/** The router deployable: reads its configuration once, starts the internal and public sockets, and wires the packages together. */
package io.infergate.router;
