/**
 * File plumbing shared by the formats: atomic writes (temp file, then rename) and the project's format exception.
 *
 * <p>May import: {@code surge-core}, Jackson. Nothing of {@code surge-data} or the CLI.
 */
package dev.surge.io;
