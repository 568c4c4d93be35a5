/**
 * The per-iteration schedules of DINOv2 training: learning rate, weight decay, teacher momentum, teacher
 * temperature and the last layer's frozen start, all instances of one warm-up-then-cosine
 * {@link io.dinostream.trainer.schedule.CosineSchedule}.
 */
package io.dinostream.trainer.schedule;
