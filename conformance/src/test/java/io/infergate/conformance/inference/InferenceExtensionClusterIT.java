package io.infergate.conformance.inference;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The transcribed Inference Extension cases on the real test cluster ({@link TestCluster}): the
 * run the report under conformance/reports/v1.6.2/ is made from. Started by
 * .ci/cluster/inference-conformance.sh, which installs Infergate and imports the suite's images
 * first; skipped elsewhere, with the reason printed.
 */
class InferenceExtensionClusterIT extends InferenceExtensionCases {

    @RegisterExtension
    static final ExecutionCondition CLUSTER = context -> {
        String reason = TestCluster.unavailable();
        if (reason == null) {
            return ConditionEvaluationResult.enabled("test cluster named by INFERGATE_CLUSTER_DIR");
        }
        if (context.getTestMethod().isEmpty()) {
            System.out.println("SKIPPED " + context.getDisplayName() + ": " + reason);
        }
        return ConditionEvaluationResult.disabled(reason);
    };

    @BeforeAll
    static void startOnTestCluster() throws Exception {
        long t0 = System.nanoTime();
        begin(TestCluster.start(), t0);
    }
}
