package dev.surge.io;

import java.io.IOException;

/**
 * A consumer that may throw {@link IOException}, e.g. the body of {@link AtomicFiles#writeAtomically}.
 *
 * @param <T> what is consumed
 */
@FunctionalInterface
public interface IOConsumer<T> {
    /** Consumes {@code t}. */
    void accept(T t) throws IOException;
}
