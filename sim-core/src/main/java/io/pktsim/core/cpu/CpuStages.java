package io.pktsim.core.cpu;

import java.util.Arrays;

/**
 * The stages work is charged under (hard IRQ, driver RX, GRO, IP forward, ...): each registered once, while
 * the model is built, as a small {@code int}, with its name kept for reports. Shared by every core of a
 * simulation.
 */
public final class CpuStages {

    /** Returned by {@link #find(String)} for a name not registered. */
    public static final int NO_STAGE = -1;

    private String[] names = new String[16];
    private int count;

    /**
     * Registers a stage, or returns the id it already has: components that charge the same kind of work
     * (two drivers' RX, say) share one stage by using one name.
     *
     * @param name the stage's name in reports, e.g. {@code "gro"}
     * @return the stage id, from 0 upwards in registration order
     */
    public int register(final String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("CpuStages: a stage needs a non-empty name");
        }
        final int existing = find(name);
        if (existing != NO_STAGE) {
            return existing;
        }
        if (count == names.length) {
            names = Arrays.copyOf(names, count * 2);
        }
        names[count] = name;
        return count++;
    }

    /**
     * Looks a stage up by name.
     *
     * @param name the name
     * @return its id, or {@link #NO_STAGE}
     */
    public int find(final String name) {
        for (int i = 0; i < count; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return NO_STAGE;
    }

    /**
     * The name of a stage.
     *
     * @param stage the id
     * @return its name
     * @throws IllegalArgumentException if no such stage is registered
     */
    public String name(final int stage) {
        if (stage < 0 || stage >= count) {
            throw new IllegalArgumentException("CpuStages: no stage " + stage + " (" + count + " registered)");
        }
        return names[stage];
    }

    /** @return the number of registered stages; ids are 0 to count - 1 */
    public int count() {
        return count;
    }
}
