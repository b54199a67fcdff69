/** The LoRA affinity filter and scorer, which share how a request's adapter is found and how an endpoint's adapters are read. */
package io.infergate.router.schedule.plugins.lora;
