/**
 * The {@code surge} command (picocli): {@code train}, {@code eval}, {@code bench}, {@code golden}. A thin layer:
 * options, run directories, progress bars, plots and one-line errors (exit 2) over the library APIs, which Java
 * users can call directly ({@code Training}, {@code GoldenRunner}, ...).
 *
 * <p>May import: every other module.
 */
package dev.surge.cli;
