/**
 * TLS from the router to backends (BackendTLSPolicy): the SNI, the trusted CAs and the identity a
 * backend's certificate must prove, compiled from the snapshot into client TLS contexts.
 */
package io.infergate.router.backendtls;
