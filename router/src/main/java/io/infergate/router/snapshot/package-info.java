/** Receives snapshots over the internal API, validates and compiles them, and swaps the compiled form in atomically. */
package io.infergate.router.snapshot;
