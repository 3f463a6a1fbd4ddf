/**
 * Reading and writing the Hugging Face <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format; see {@link dev.surge.io.safetensors.Safetensors}.
 *
 * <p>May import: {@code surge-core} ({@code tensor}), {@code dev.surge.io}, Jackson; it knows no network type (callers pass tensors by name).
 */
package dev.surge.io.safetensors;
