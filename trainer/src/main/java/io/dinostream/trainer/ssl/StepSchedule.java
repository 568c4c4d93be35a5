package io.dinostream.trainer.ssl;

/**
 * The scheduled values of one iteration, as the reference's {@code apply_optim_scheduler} and training
 * loop read them.
 *
 * @param lr learning rate of every group but the last layer (before the group's multiplier)
 * @param weightDecay weight decay (before the group's multiplier)
 * @param lastLayerLr learning rate of the head's last layer: 0 while it is frozen
 * @param teacherMomentum the EMA momentum of the teacher update after this step
 * @param teacherTemp the teacher's softmax temperature
 */
public record StepSchedule(
        double lr, double weightDecay, double lastLayerLr, double teacherMomentum, double teacherTemp) {}
