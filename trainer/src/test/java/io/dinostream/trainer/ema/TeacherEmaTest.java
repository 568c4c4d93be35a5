package io.dinostream.trainer.ema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.dinostream.trainer.model.DinoHead;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TeacherEmaTest {
    @Test
    void everyParameterMovesToTheMomentumAverage() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            DinoHead teacher = new DinoHead(8, 16, 12, 4);
            DinoHead student = new DinoHead(8, 16, 12, 4);
            teacher.initializeSeeded(manager, 1);
            student.initializeSeeded(manager, 2);
            Map<String, Parameter> t = parameters(teacher);
            Map<String, Parameter> s = parameters(student);
            Map<String, float[]> before = new LinkedHashMap<>();
            t.forEach((name, p) -> before.put(name, p.getArray().toFloatArray()));

            TeacherEma.update(t, s, 0.9);

            for (String name : t.keySet()) {
                float[] old = before.get(name);
                float[] stu = s.get(name).getArray().toFloatArray();
                float[] expected = new float[old.length];
                for (int i = 0; i < old.length; i++) {
                    expected[i] = (float) (0.9 * old[i] + 0.1 * stu[i]);
                }
                assertArrayEquals(expected, t.get(name).getArray().toFloatArray(), 1e-6f, name);
            }
            // Momentum 1 leaves the teacher as it is.
            Map<String, float[]> now = new LinkedHashMap<>();
            t.forEach((name, p) -> now.put(name, p.getArray().toFloatArray()));
            TeacherEma.update(t, s, 1.0);
            t.forEach((name, p) -> assertArrayEquals(now.get(name), p.getArray().toFloatArray(), name));
        }
    }

    @Test
    void mismatchedModelsAreRefused() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            DinoHead teacher = new DinoHead(8, 16, 12, 4);
            DinoHead other = new DinoHead(8, 32, 12, 4);
            teacher.initializeSeeded(manager, 1);
            other.initializeSeeded(manager, 2);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> TeacherEma.update(parameters(teacher), parameters(other), 0.99));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> TeacherEma.update(parameters(teacher), parameters(teacher), 1.5));
        }
    }

    private static Map<String, Parameter> parameters(DinoHead head) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        head.collectParameters("", out, new LinkedHashMap<>());
        return out;
    }
}
