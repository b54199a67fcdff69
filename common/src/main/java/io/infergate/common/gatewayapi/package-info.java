/**
 * Gateway API rules that the controller (when it accepts a route) and the router (when it serves
 * a request) must apply identically, so that status and traffic never disagree.
 */
package io.infergate.common.gatewayapi;
