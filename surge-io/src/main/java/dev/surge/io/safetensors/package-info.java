/**
 * Reading and writing the Hugging Face <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format; see {@link dev.surge.io.safetensors.Safetensors}.
 */
package dev.surge.io.safetensors;
