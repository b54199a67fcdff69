/** The registration of every built-in plugin type: the one list a new plugin is added to. */
package io.infergate.router.schedule.plugins;
