package io.dinostream.trainer.ema;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.Map;

/**
 * The DINO teacher update: every teacher parameter becomes {@code m * teacher + (1 - m) * student}, in
 * place, after each optimiser step, with {@code m} from the momentum schedule (rising towards 1). The
 * teacher never receives gradients. Parameters are matched by their official names, which must be the
 * same on both sides.
 */
public final class TeacherEma {
    private TeacherEma() {}

    public static void update(Map<String, Parameter> teacher, Map<String, Parameter> student, double momentum) {
        if (momentum < 0 || momentum > 1) {
            throw new IllegalArgumentException("momentum must be in [0, 1], got " + momentum);
        }
        if (!teacher.keySet().equals(student.keySet())) {
            throw new IllegalArgumentException(
                    "teacher and student parameters differ: " + teacher.keySet() + " vs " + student.keySet());
        }
        for (Map.Entry<String, Parameter> e : teacher.entrySet()) {
            NDArray t = e.getValue().getArray();
            NDArray s = student.get(e.getKey()).getArray();
            if (!t.getShape().equals(s.getShape())) {
                throw new IllegalArgumentException(
                        e.getKey() + ": teacher " + t.getShape() + ", student " + s.getShape());
            }
            // Both temporaries closed here: the trainer calls this outside any step scope.
            try (NDArray detached = s.stopGradient();
                    NDArray share = detached.mul((float) (1 - momentum))) {
                t.muli((float) momentum).addi(share);
            }
        }
    }
}
