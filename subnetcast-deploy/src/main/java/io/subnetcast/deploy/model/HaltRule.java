package io.subnetcast.deploy.model;

/**
 * Pauses a deployment by itself (state {@link DeploymentState#HALTED}) once failed install attempts
 * reach {@code failurePercent} of all attempts, counted only after {@code minAttempts} attempts so
 * that the first failure of a pilot does not stop everything.
 *
 * @param failurePercent 1-100
 * @param minAttempts at least 1
 */
public record HaltRule(int failurePercent, int minAttempts) {
    /** @throws InvalidInputException for values out of range */
    public HaltRule {
        if (failurePercent < 1 || failurePercent > 100 || minAttempts < 1 || minAttempts > 1_000_000) {
            throw new InvalidInputException("a halt rule needs a failure share of 1-100% and 1-1000000 attempts, not "
                    + failurePercent + "% after " + minAttempts);
        }
    }

    /** @return whether {@code failures} of {@code attempts} trip the rule */
    public boolean trips(long attempts, long failures) {
        return attempts >= minAttempts && failures * 100 >= (long) failurePercent * attempts;
    }
}
