/**
 * Pushes snapshots to every router's internal API and keeps them in sync, level-triggered:
 * each router's snapshot id is checked periodically and re-pushed when it differs.
 */
package io.infergate.controller.publish;
