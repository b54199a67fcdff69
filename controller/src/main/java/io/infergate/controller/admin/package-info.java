/**
 * The controller's admin socket: the status it would write to Kubernetes, the current snapshot,
 * health and metrics.
 */
package io.infergate.controller.admin;
