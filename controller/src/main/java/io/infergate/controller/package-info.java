/**
 * The controller deployable: configuration, wiring ({@link io.infergate.controller.ControllerApp})
 * and the command line ({@link io.infergate.controller.Main}).
 */
package io.infergate.controller;
