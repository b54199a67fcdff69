/**
 * Prefill/decode disaggregation without I/O: which endpoints of a pool prefill and which decode
 * (their role label), and the request bodies of the two phases (vLLM's {@code kv_transfer_params}).
 */
package io.infergate.router.disagg;
