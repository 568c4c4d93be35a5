/**
 * The retrain loop: curate, continue training the teacher, distill, evaluate, register, and activate
 * when the evaluation gate passes; once, or on a schedule (docs/operations.md).
 */
package io.dinostream.app.retrain;
