/** The teacher as an exponential moving average of the student ({@link io.dinostream.trainer.ema.TeacherEma}). */
package io.dinostream.trainer.ema;
