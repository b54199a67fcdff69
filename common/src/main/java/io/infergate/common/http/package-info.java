/** The hardening every HTTP listener of the controller and the router installs: request framing, connection close after errors, error bodies, client timeouts. */
package io.infergate.common.http;
