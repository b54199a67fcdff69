/**
 * The picker Services in pool namespaces (docs/adr/0039-picker-services.md): which selectorless
 * Service and EndpointSlices pointing at the ready routers' picker ports each namespace needs,
 * and what to change to get there, as pure functions; the API writes are in {@code kube}.
 */
package io.infergate.controller.pickerservice;
