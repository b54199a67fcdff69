package io.infergate.controller.model;

import java.util.List;
import java.util.Optional;

/**
 * A Pod, as far as endpoints go.
 *
 * @param podIP          {@code status.podIP}
 * @param ready          {@code status.conditions[type=Ready].status == "True"}
 * @param containerPorts every container's {@code ports[]}, for named Service targetPorts
 */
public record Pod(ObjectMeta meta, Optional<String> podIP, boolean ready, List<ContainerPort> containerPorts)
        implements KubeObject {
    public Pod {
        containerPorts = List.copyOf(containerPorts);
    }

    /** Only a Ready pod with an IP that is not being deleted receives traffic. */
    public boolean servesTraffic() {
        return ready && podIP.isPresent() && !meta.deleting();
    }

    /** One container port, with its optional name. */
    public record ContainerPort(Optional<String> name, int containerPort) {}
}
