/**
 * Immutable, Kubernetes-shaped records of every input object the controller reads (no Kubernetes
 * client types), gathered into one {@link io.infergate.controller.model.ClusterState}.
 */
package io.infergate.controller.model;
