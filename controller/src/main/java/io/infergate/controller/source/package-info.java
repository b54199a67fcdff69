/**
 * Sources of cluster state: decoding generic object trees ({@code Map<String,Object>}, as parsed
 * from YAML or JSON) into the model, and the local-mode manifest folder that watches files.
 */
package io.infergate.controller.source;
