/** The built-in scorers over one endpoint signal each: queue, KV cache, outstanding requests. */
package io.infergate.router.schedule.plugins.scorer;
