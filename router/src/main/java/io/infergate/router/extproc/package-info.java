/** The ext_proc client that asks a pool's external endpoint picker (Envoy ext_proc over gRPC) where a request goes. */
package io.infergate.router.extproc;
