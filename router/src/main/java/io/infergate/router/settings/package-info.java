/** Reading the router's YAML settings file: one {@link io.infergate.router.settings.Section} per settings record, with typed values, defaults and precise messages. */
package io.infergate.router.settings;
