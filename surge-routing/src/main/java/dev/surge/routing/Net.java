package dev.surge.routing;

import java.util.List;

/**
 * A net: its name and id as in the file, and its pins as grid nodes (duplicates, several pins in one tile and
 * layer, removed).
 */
public record Net(String name, String id, List<Integer> pins) {
    public Net {
        pins = List.copyOf(pins);
    }
}
