package io.pktsim.core.trace;

import java.util.Arrays;

/**
 * The names behind the ids a trace event carries: components (a NIC, a core, a NAPI instance) and kinds
 * (what happened), each registered once while the model is built. A kind also names its numbers, so that a
 * sink prints {@code "budget":64} rather than {@code "a0":64}.
 *
 * <p>Registration happens on the simulation thread; sinks read the names on theirs. The tables are
 * copied on write and published through {@code volatile} fields, and an event is always published after
 * the names it uses were registered, so a sink always finds them.
 */
public final class TraceNames {

    /** The most numbers a trace event carries. */
    public static final int MAX_ARGS = 5;

    private static final String[] NO_ARGS = new String[0];

    private volatile String[] components = new String[0];
    private volatile String[] kinds = new String[0];
    private volatile String[][] kindArgs = new String[0][];

    /**
     * Registers a component, or returns the id it already has.
     *
     * @param name its name in traces, e.g. {@code "eth0"} or {@code "cpu2"}
     * @return the component id, from 0 upwards
     */
    public synchronized int component(final String name) {
        requireName(name, "component");
        final String[] cs = components;
        for (int i = 0; i < cs.length; i++) {
            if (cs[i].equals(name)) {
                return i;
            }
        }
        final String[] grown = Arrays.copyOf(cs, cs.length + 1);
        grown[cs.length] = name;
        components = grown;
        return cs.length;
    }

    /**
     * Registers a kind of event and the names of its numbers, or returns the id it already has.
     *
     * @param name the kind's name, e.g. {@code "napi_poll"}
     * @param argNames the names of the numbers the kind carries, in order, at most {@link #MAX_ARGS}
     *     (e.g. {@code "work", "budget"}); numbers beyond them are not printed
     * @return the kind id, from 0 upwards
     * @throws IllegalArgumentException if the kind exists with other number names
     */
    public synchronized int kind(final String name, final String... argNames) {
        requireName(name, "kind");
        if (argNames.length > MAX_ARGS) {
            throw new IllegalArgumentException("TraceNames: kind '" + name + "' names " + argNames.length
                + " numbers; a trace event carries at most " + MAX_ARGS);
        }
        for (final String a : argNames) {
            requireName(a, "number of kind '" + name + "'");
        }
        final String[] ks = kinds;
        for (int i = 0; i < ks.length; i++) {
            if (ks[i].equals(name)) {
                if (!Arrays.equals(kindArgs[i], argNames)) {
                    throw new IllegalArgumentException("TraceNames: kind '" + name + "' is registered with numbers "
                        + Arrays.toString(kindArgs[i]) + ", not " + Arrays.toString(argNames));
                }
                return i;
            }
        }
        final String[][] grownArgs = Arrays.copyOf(kindArgs, ks.length + 1);
        grownArgs[ks.length] = argNames.length == 0 ? NO_ARGS : argNames.clone();
        kindArgs = grownArgs;
        final String[] grown = Arrays.copyOf(ks, ks.length + 1);
        grown[ks.length] = name;
        kinds = grown;
        return ks.length;
    }

    private static void requireName(final String name, final String what) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("TraceNames: a " + what + " needs a non-empty name");
        }
    }

    /**
     * @param component a component id
     * @return its name, or {@code "component#id"} for an id not registered
     */
    public String componentName(final int component) {
        final String[] cs = components;
        return component >= 0 && component < cs.length ? cs[component] : "component#" + component;
    }

    /**
     * @param kind a kind id
     * @return its name, or {@code "kind#id"} for an id not registered
     */
    public String kindName(final int kind) {
        final String[] ks = kinds;
        return kind >= 0 && kind < ks.length ? ks[kind] : "kind#" + kind;
    }

    /**
     * @param kind a kind id
     * @return how many numbers the kind names (0 for an id not registered)
     */
    public int argCount(final int kind) {
        final String[][] ka = kindArgs;
        return kind >= 0 && kind < ka.length ? ka[kind].length : 0;
    }

    /**
     * @param kind a kind id
     * @param index the number's position, below {@link #argCount(int)}
     * @return the number's name
     */
    public String argName(final int kind, final int index) {
        return kindArgs[kind][index];
    }

    /** @return the number of components registered */
    public int componentCount() {
        return components.length;
    }

    /** @return the number of kinds registered */
    public int kindCount() {
        return kinds.length;
    }
}
