package io.subnetcast.deploy.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One wave of a gradual rollout: from {@code after} of running time on, {@code percent} of the
 * fleet (cumulative, so 50% then 100% means the second wave adds the other half) is offered the
 * release.
 *
 * @param percent cumulative share of the fleet, 1-100
 * @param after running time since the deployment started (time paused does not count)
 */
public record Wave(int percent, Duration after) {
    private static final Pattern SPEC = Pattern.compile("([0-9]{1,3})%@\\+([0-9]{1,6})(ms|s|m|h|d)");
    /** Latest wave start accepted: a year. */
    static final Duration MAX_AFTER = Duration.ofDays(366);

    /** @throws InvalidInputException for a share outside 1-100 or a time outside 0 to a year */
    public Wave {
        if (percent < 1 || percent > 100) {
            throw new InvalidInputException("a wave's share must be 1-100%, not " + percent + "%");
        }
        if (after == null || after.isNegative() || after.compareTo(MAX_AFTER) > 0) {
            throw new InvalidInputException("a wave starts 0 to 366 days after the deployment, not " + after);
        }
    }

    /**
     * Parses {@code 50%@+1d,100%@+7d}: each wave's cumulative share and its start after the
     * deployment started, in ms, s, m, h or d.
     *
     * @param spec the text
     * @return the waves, in order
     * @throws InvalidInputException when the text does not parse, shares do not rise, times go
     *     backwards, or the last wave is not 100%
     */
    public static List<Wave> parseList(String spec) {
        List<Wave> waves = new ArrayList<>();
        for (String part : (spec == null ? "" : spec).split(",", -1)) {
            Matcher m = SPEC.matcher(part.trim());
            if (!m.matches()) {
                throw new InvalidInputException("--waves must be like 50%@+1d,100%@+7d (units ms, s, m, h, d), not '"
                        + Inputs.printable(spec) + "'");
            }
            long n = Long.parseLong(m.group(2));
            Duration after = switch (m.group(3)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            waves.add(new Wave(Integer.parseInt(m.group(1)), after));
        }
        checkOrder(waves);
        return List.copyOf(waves);
    }

    /** @throws InvalidInputException unless shares rise strictly, times never go back, and the last is 100% */
    static void checkOrder(List<Wave> waves) {
        if (waves.isEmpty() || waves.size() > 20) {
            throw new InvalidInputException("a deployment has 1-20 waves, not " + waves.size());
        }
        for (int i = 1; i < waves.size(); i++) {
            if (waves.get(i).percent() <= waves.get(i - 1).percent()) {
                throw new InvalidInputException("wave shares are cumulative and must rise: " + waves.get(i - 1).percent()
                        + "% then " + waves.get(i).percent() + "%");
            }
            if (waves.get(i).after().compareTo(waves.get(i - 1).after()) < 0) {
                throw new InvalidInputException("wave times must not go back: +" + waves.get(i - 1).after() + " then +"
                        + waves.get(i).after());
            }
        }
        if (waves.get(waves.size() - 1).percent() != 100) {
            throw new InvalidInputException("the last wave must reach 100% (everyone); pause the deployment to hold it");
        }
    }
}
