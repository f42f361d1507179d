package io.dockhand.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one Jackson mapper of the servers: strict on input (no trailing tokens, no duplicate keys, bounded nesting
 * and number length), instants as ISO-8601 text and absent values left out on output. Helidon's Jackson media
 * support writes responses with it.
 */
public final class Json {
    /** The largest decimal exponent a number may carry (doubles reach about 10^308). */
    static final int MAX_SCALE = 400;
    /** The shared mapper; configured once, safe to share. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxNumberLength(100)
                .build());
    }

    /** A backquoted Java class name in Jackson's messages ({@code `com.fasterxml...JsonNode`}). */
    private static final java.util.regex.Pattern CLASS_NAME = java.util.regex.Pattern.compile(
            "\\s*\\(bound as `[^`]*`\\)|:?\\s*not allowed as per `[^`]*`|`[\\w$]+(\\.[\\w$]+)+`");

    private Json() {
    }

    /**
     * What Jackson found wrong, fit for a client: control characters replaced, cut short, and without the Java
     * class names Jackson puts in some messages ({@code {}{}} says "bound as `...JsonNode`").
     */
    public static String describe(com.fasterxml.jackson.core.JacksonException e) {
        String message = e.getOriginalMessage() == null ? "malformed" : e.getOriginalMessage();
        return Text.printable(CLASS_NAME.matcher(message).replaceAll("").strip(), 200);
    }

    /**
     * Refuses numbers whose exponent no real value needs ({@code 1e-50000000}): arithmetic on them costs time
     * and memory in proportion to the exponent, so one small request could occupy a server. Every number in a
     * body passes here before anything computes with it.
     *
     * @throws ProblemException 422 naming the first such number's field
     */
    public static void requireSaneNumbers(JsonNode node) {
        requireSaneNumbers(node, "");
    }

    private static void requireSaneNumbers(JsonNode node, String where) {
        if (node.isNumber()) {
            java.math.BigDecimal value = node.decimalValue();
            if (Math.abs((long) value.scale()) > MAX_SCALE || value.precision() > 100) {
                throw new ProblemException(422, "number-out-of-range", "Unprocessable content",
                        "'" + where + "' is a number no value needs (its exponent or length is beyond "
                                + MAX_SCALE + ").");
            }
            return;
        }
        var fields = node.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            requireSaneNumbers(field.getValue(), where.isEmpty() ? field.getKey() : where + "." + field.getKey());
        }
        for (int i = 0; node.isArray() && i < node.size(); i++) {
            requireSaneNumbers(node.get(i), where + "[" + i + "]");
        }
    }
}
