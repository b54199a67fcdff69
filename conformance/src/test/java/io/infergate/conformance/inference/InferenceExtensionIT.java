package io.infergate.conformance.inference;

import io.infergate.controller.kube.GiePickers;
import io.infergate.controller.kube.KubeApiServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The transcribed Inference Extension cases on a {@link LoopbackCluster} (ADR 0023): the fast
 * regression run of every {@code ./mvnw verify}. Skipped, with the reason printed, when the
 * kube-apiserver binaries (.ci/kube-binaries.sh) or lwepp (.ci/gie-pickers.sh) are missing. Its
 * report goes to {@code target/inference-conformance-report.yaml}; the claim is the cluster run
 * ({@link InferenceExtensionClusterIT}).
 */
class InferenceExtensionIT extends InferenceExtensionCases {

    static final LoopbackCluster.Net NET = LoopbackCluster.Net.random();

    /** Skips the class, with the reason printed, before the API server starts, when lwepp is not built. */
    @RegisterExtension
    static final ExecutionCondition LWEPP = context -> {
        if (LoopbackCluster.lweppBinary().isPresent()) {
            return ConditionEvaluationResult.enabled("lwepp-loopback found");
        }
        String reason = GiePickers.missing(GiePickers.LWEPP);
        if (context.getTestMethod().isEmpty()) {
            System.out.println("SKIPPED " + context.getDisplayName() + ": " + reason);
        }
        return ConditionEvaluationResult.disabled(reason);
    };

    @RegisterExtension
    static final KubeApiServer API = KubeApiServer.withCrds(
                    KubeApiServer.GATEWAY_API, KubeApiServer.INFERENCE_EXTENSION)
            .withServiceCidr(NET.serviceCidr());

    @BeforeAll
    static void startLoopbackCluster() throws Exception {
        Optional<Path> lwepp = LoopbackCluster.lweppBinary();
        Assumptions.assumeTrue(lwepp.isPresent(), "lwepp-loopback not built");
        long t0 = System.nanoTime();
        begin(LoopbackCluster.start(NET, API, lwepp.get()), t0);
    }
}
