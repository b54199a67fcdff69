/** Endpoint picking: per-endpoint outstanding-request state and bounds, the filter → scorer → picker framework with its configuration and registry, pool saturation and priority admission. */
package io.infergate.router.schedule;
