/** The built-in scheduling plugins: scorers over queue, KV cache, prefix, LoRA and outstanding load, and the pickers. */
package io.infergate.router.schedule.plugins;
