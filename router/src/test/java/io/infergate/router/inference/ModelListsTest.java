package io.infergate.router.inference;

import io.infergate.common.snapshot.ModelRewrite;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Merging the model lists of a pool's endpoints. */
class ModelListsTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void modelsAreMergedByIdAdaptersKeptAndAliasesOfServedTargetsAdded() {
        byte[] pod0 =
                b("{\"object\":\"list\",\"data\":[{\"id\":\"base\",\"object\":\"model\",\"created\":5,\"parent\":null},"
                        + "{\"id\":\"food-review-v1\",\"object\":\"model\",\"created\":5,\"parent\":\"base\"}]}");
        byte[] pod1 =
                b("{\"object\":\"list\",\"data\":[{\"id\":\"base\",\"object\":\"model\",\"created\":6,\"parent\":null},"
                        + "{\"id\":\"sql-lora\",\"object\":\"model\",\"created\":6,\"parent\":\"base\"}]}");
        List<ModelRewrite> rules = List.of(
                new ModelRewrite(
                        "r0",
                        List.of("food-review"),
                        List.of(new ModelRewrite.Target("gone", 1), new ModelRewrite.Target("food-review-v1", 1))),
                new ModelRewrite("r1", List.of("nothing-serves-it"), List.of(new ModelRewrite.Target("absent", 1))),
                new ModelRewrite("r2", List.of(), List.of(new ModelRewrite.Target("base", 1))));
        String merged = new String(ModelLists.merge(List.of(pod0, b("not json"), pod1), rules), StandardCharsets.UTF_8);
        assertEquals(
                "{\"object\":\"list\",\"data\":["
                        + "{\"id\":\"base\",\"object\":\"model\",\"created\":5,\"parent\":null},"
                        + "{\"id\":\"food-review-v1\",\"object\":\"model\",\"created\":5,\"parent\":\"base\"},"
                        + "{\"id\":\"sql-lora\",\"object\":\"model\",\"created\":6,\"parent\":\"base\"},"
                        + "{\"id\":\"food-review\",\"object\":\"model\",\"created\":5,\"owned_by\":\"infergate\","
                        + "\"root\":\"food-review-v1\",\"parent\":null}]}",
                merged);
    }
}
