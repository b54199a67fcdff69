/** Pure request matching: compiles a snapshot's listeners and routes into precedence-ordered tables and picks the listener and rule for a request. */
package io.infergate.router.match;
