/**
 * Decoding generic object trees ({@code Map<String,Object>}, as parsed from YAML or JSON) into the
 * model records, one rule set shared by the Kubernetes source and the manifest folder.
 */
package io.infergate.controller.decode;
