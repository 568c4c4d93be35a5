/** Pictures of training runs (PNG curves of loss and k-NN accuracy). */
package io.dinostream.trainer.plot;
