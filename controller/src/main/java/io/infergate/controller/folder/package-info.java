/**
 * The local-mode source: a folder of manifests, read into cluster state and watched for changes
 * (the counterpart of the Kubernetes source in {@code controller/kube}).
 */
package io.infergate.controller.folder;
