/**
 * The controller deployable: its settings records (each declares, reads and checks its own
 * flags), the command line ({@link io.infergate.controller.Main}) and the wiring of both modes
 * ({@link io.infergate.controller.ControllerApp}, {@link io.infergate.controller.ClusterControllerApp}).
 */
package io.infergate.controller;
