/**
 * Kubernetes I/O, on the official Java client: informers that turn API objects into the same
 * generic trees the manifest folder decodes, discovery of the CRDs that are installed, leader
 * election on a Lease, the leader-only status writer and the snapshot token Secret.
 */
package io.infergate.controller.kube;
