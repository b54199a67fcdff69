/**
 * The simulator's public API: {@link io.infergate.simulator.SimulatorConfig} and
 * {@link io.infergate.simulator.SimulatedPod} for in-process use, and the {@code Main} command line
 * that starts several simulated pods.
 */
package io.infergate.simulator;
