/** Seeded fuzzing of the router's client side: mutated request framing and JSON bodies over raw sockets. */
package io.infergate.router.fuzz;
