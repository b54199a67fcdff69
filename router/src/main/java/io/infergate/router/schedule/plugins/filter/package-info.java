/** The built-in filters over one endpoint signal each: least queue or KV cache, queue and KV-cache thresholds. */
package io.infergate.router.schedule.plugins.filter;
