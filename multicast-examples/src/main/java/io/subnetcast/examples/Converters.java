package io.subnetcast.examples;

import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.transport.ReceiveBind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters for the option types: each delegates to a parser and turns its
 * {@link IllegalArgumentException} into picocli's conversion error, which the command prints as
 * one line naming the option.
 */
final class Converters {
    private Converters() {
    }

    private static <T> T convert(Function<String, T> parser, String value) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(Texts.oneLine(e.getMessage()));
        }
    }

    /** {@code 500ms}, {@code 3s}, {@code 1m}, {@code 1h}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Converters.convert(Durations::parse, value);
        }
    }

    /** {@code 500k}, {@code 100m}, {@code 1g} bits per second. */
    static final class RateConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return Converters.convert(Rates::parse, value);
        }
    }

    /** {@code 8m}, {@code 1g} bytes. */
    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return Converters.convert(Sizes::parse, value);
        }
    }

    /** {@code 0.05} or {@code 5%}. */
    static final class LossConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return Converters.convert(Inputs::lossFraction, value);
        }
    }

    /** {@code 239.255.0.1:41234}. */
    static final class GroupConverter implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            return Converters.convert(Inputs::multicastGroup, value);
        }
    }

    /** An IP literal. */
    static final class AddressConverter implements ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String value) {
            return Converters.convert(Inputs::ipLiteral, value);
        }
    }

    /** An http or https URL. */
    static final class UrlConverter implements ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            return Converters.convert(Inputs::packageUrl, value);
        }
    }

    /**
     * 64 hexadecimal digits, checked and returned in lower case. The option holds text rather than
     * bytes because picocli reads an array-typed option as a list of values.
     */
    static final class Sha256Converter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return Converters.convert(v -> BlockHashes.toHex(Inputs.sha256(v)), value);
        }
    }

    /** A task id, checked as the cache checks it. */
    static final class TaskIdConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return Converters.convert(Inputs::taskId, value);
        }
    }

    /** A TCP port, 0 for any free one. */
    static final class ListenPortConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return Converters.convert(v -> v.trim().equals("0") ? 0 : Inputs.port(v, 65_535), value);
        }
    }

    /** {@code group} or {@code wildcard}. */
    static final class BindModeConverter implements ITypeConverter<ReceiveBind> {
        @Override
        public ReceiveBind convert(String value) {
            return Converters.convert(ReceiveBind::parse, value);
        }
    }
}
