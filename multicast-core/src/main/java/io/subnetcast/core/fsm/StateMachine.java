package io.subnetcast.core.fsm;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * The current state of one protocol part, and the only way to change it.
 *
 * <p>Not thread-safe: driven on the owning agent's thread, like the part it belongs to. Changing to
 * the state the machine is already in is allowed only where the table says so (a re-entry, for
 * instance an election that restarts its discovery), and still counts and timestamps.
 *
 * @param <S> the part's state enum
 */
public final class StateMachine<S extends Enum<S>> {
    private final String name;
    private final Logger log;
    private final Map<S, EnumSet<S>> allowed;
    private final long[] entries;
    private S state;
    private long sinceNs;

    private StateMachine(String name, Logger log, S initial, Map<S, EnumSet<S>> allowed) {
        this.name = name;
        this.log = log;
        this.allowed = allowed;
        this.state = initial;
        this.entries = new long[initial.getDeclaringClass().getEnumConstants().length];
        entries[initial.ordinal()] = 1;
    }

    /**
     * Starts declaring a machine.
     *
     * @param name what it belongs to, for its log lines (for instance "task t1 election")
     * @param log where transitions are logged, at debug level
     * @param initial the state it starts in
     * @param <S> the state enum
     * @return a builder of the transition table
     */
    public static <S extends Enum<S>> Builder<S> builder(String name, Logger log, S initial) {
        return new Builder<>(name, log, initial);
    }

    /**
     * Moves to {@code next}.
     *
     * @param next the new state
     * @param nowNs current time
     * @param reason why, for the log
     * @throws IllegalStateException if the table does not allow the transition
     */
    public void to(S next, long nowNs, String reason) {
        EnumSet<S> targets = allowed.get(state);
        if (targets == null || !targets.contains(next)) {
            throw new IllegalStateException(name + ": " + state + " -> " + next + " is not a transition (" + reason + ")");
        }
        if (log.isDebugEnabled()) {
            log.debug("{}: {} -> {} ({})", name, state, next, reason);
        }
        state = next;
        sinceNs = nowNs;
        entries[next.ordinal()]++;
    }

    /** @return the current state */
    public S state() {
        return state;
    }

    /**
     * @param state a state
     * @return whether the machine is in it
     */
    public boolean is(S state) {
        return this.state == state;
    }

    /** @return when the current state was entered (0 for the initial state) */
    public long sinceNs() {
        return sinceNs;
    }

    /**
     * @param state a state
     * @return how often it was entered, the initial state counting once
     */
    public long entries(S state) {
        return entries[state.ordinal()];
    }

    /**
     * Declares the transitions a machine allows.
     *
     * @param <S> the state enum
     */
    public static final class Builder<S extends Enum<S>> {
        private final String name;
        private final Logger log;
        private final S initial;
        private final Map<S, EnumSet<S>> allowed;

        private Builder(String name, Logger log, S initial) {
            this.name = Objects.requireNonNull(name, "name");
            this.log = Objects.requireNonNull(log, "log");
            this.initial = Objects.requireNonNull(initial, "initial");
            this.allowed = new EnumMap<>(initial.getDeclaringClass());
        }

        /**
         * Allows moving from {@code from} to each of {@code to}.
         *
         * @param from a state
         * @param to the states it may move to (itself included, where re-entry is allowed)
         * @return this builder
         */
        @SafeVarargs
        public final Builder<S> allow(S from, S... to) {
            EnumSet<S> targets = allowed.computeIfAbsent(from, s -> EnumSet.noneOf(initial.getDeclaringClass()));
            for (S target : to) {
                targets.add(target);
            }
            return this;
        }

        /** @return the machine, in its initial state */
        public StateMachine<S> build() {
            return new StateMachine<>(name, log, initial, allowed);
        }
    }
}
