/**
 * How the controller's background threads (folder watcher, rebuilders, discovery, leader election,
 * status writer) are stopped: one rule for all of them.
 */
package io.infergate.controller.lifecycle;
