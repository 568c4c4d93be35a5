package io.dinostream.trainer.ssl;

/**
 * The loss terms of one step, as the reference's {@code loss_dict}, and the total that was minimised.
 *
 * @param gradNorm the global gradient norm of the backbone before clipping
 */
public record StepLosses(
        double total, double dinoLocal, double dinoGlobal, double koleo, double ibot, double gradNorm) {}
