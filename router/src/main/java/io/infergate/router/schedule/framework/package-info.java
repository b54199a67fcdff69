/** The plugin framework: the filter, scorer and picker contracts, the profile that runs them in order, the pick context, plugin parameters, the registry of plugin types and the scheduler configuration file that builds profiles from it. */
package io.infergate.router.schedule.framework;
