package io.pgset.core.spec;

import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** A requirement on a string value of the spec. */
@FunctionalInterface
interface Rule {

    /** What is wrong with the value, phrased to follow {@code field.path: }; empty when it is fine. */
    Optional<String> check(String value);

    /** @param requirement how the value must look, e.g. {@code must be an absolute path} */
    static Rule of(String requirement, Predicate<String> accepts) {
        return value -> accepts.test(value)
                ? Optional.empty()
                : Optional.of(requirement + ", got " + Describe.text(value));
    }

    static Rule matching(String requirement, String regex) {
        Pattern pattern = Pattern.compile(regex);
        return of(requirement, value -> pattern.matcher(value).matches());
    }

    static Rule equalTo(String expected) {
        return of("must be " + Describe.text(expected), expected::equals);
    }

    static Rule oneOf(String... allowed) {
        return of("must be one of " + String.join(", ", allowed), Set.of(allowed)::contains);
    }

    static Rule maxLength(int max) {
        return of("must be at most " + max + " characters", value -> value.length() <= max);
    }
}
