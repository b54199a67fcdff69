/** The built-in pickers: max score, weighted random, random, round robin. */
package io.infergate.router.schedule.plugins.picker;
