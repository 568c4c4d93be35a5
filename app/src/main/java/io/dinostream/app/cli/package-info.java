/** One class per subcommand of the launcher, each with its own {@code --help}. */
package io.dinostream.app.cli;
