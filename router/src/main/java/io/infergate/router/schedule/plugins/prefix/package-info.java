/** The prefix-cache scorer: prompt block hashes, the rendezvous and local-index placement, and the local prefix index. */
package io.infergate.router.schedule.plugins.prefix;
