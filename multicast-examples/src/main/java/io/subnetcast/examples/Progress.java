package io.subnetcast.examples;

import io.subnetcast.core.session.AgentState;
import io.subnetcast.core.session.Role;
import io.subnetcast.core.session.SessionProgress;
import java.util.Locale;

/** Renders the library's progress snapshots for people and scripts. */
final class Progress {
    private Progress() {
    }

    /**
     * @param role a role
     * @return its name in the command's output: {@code representative}, {@code receiver} or {@code undecided}
     */
    static String role(Role role) {
        return switch (role) {
            case REPRESENTATIVE -> "representative";
            case MEMBER -> "receiver";
            case UNDECIDED -> "undecided";
        };
    }

    /**
     * @param progress a snapshot
     * @return done, 0 to 1, or -1 while the package length is unknown
     */
    static double fraction(SessionProgress progress) {
        if (progress.packageLength() < 0) {
            return -1;
        }
        if (progress.packageLength() == 0) {
            return progress.state() == AgentState.COMPLETE ? 1 : 0;
        }
        return (double) progress.bytesHeld() / progress.packageLength();
    }

    /**
     * @param progress a snapshot
     * @param bytesPerSecond the current rate, or a negative value to leave it out
     * @return e.g. {@code RECEIVING as receiver 12.0 MiB of 64.0 MiB, 80.1 MiB/s, 3 of 5 members done}
     */
    static String describe(SessionProgress progress, double bytesPerSecond) {
        StringBuilder text = new StringBuilder();
        text.append(progress.state()).append(" as ").append(role(progress.role()));
        if (progress.packageLength() >= 0) {
            text.append(", ").append(Sizes.format(progress.bytesHeld())).append(" of ")
                    .append(Sizes.format(progress.packageLength()));
        }
        if (progress.role() == Role.REPRESENTATIVE && progress.state() == AgentState.SENDING && progress.packageLength() > 0) {
            text.append(", multicast pass at ").append(Sizes.format(progress.passBytes()));
        }
        if (bytesPerSecond >= 0) {
            text.append(", ").append(Sizes.format((long) bytesPerSecond)).append("/s");
        }
        if (progress.startDelayRemainingMs() > 0) {
            text.append(String.format(Locale.ROOT, ", multicast starts in %.1fs", progress.startDelayRemainingMs() / 1e3));
        }
        if (progress.membersKnown() > 0) {
            text.append(", ").append(progress.membersComplete()).append(" of ").append(progress.membersKnown())
                    .append(" members done");
        }
        return text.toString();
    }

    /**
     * @param progress the snapshot at the moment the agent left its session
     * @return why it left, e.g. {@code all 5 members done} or {@code linger passed, 3 of 5 members done}
     */
    static String describeFinish(SessionProgress progress) {
        if (progress.state() != AgentState.COMPLETE) {
            return progress.state().toString();
        }
        if (progress.membersKnown() > 0 && progress.membersComplete() >= progress.membersKnown()) {
            return "all " + progress.membersKnown() + " members done";
        }
        return "linger passed" + (progress.membersKnown() > 0
                ? ", " + progress.membersComplete() + " of " + progress.membersKnown() + " members done" : "");
    }
}
