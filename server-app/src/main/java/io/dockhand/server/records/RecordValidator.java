package io.dockhand.server.records;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.dockhand.api.ContainerRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Checks a record object against the record's schema: required {@code containerId} (12 to 64 hex characters) and
 * {@code observedAt} (ISO-8601), typed optional fields, string maps for labels and networks. Fields it does not
 * know are left as sent.
 */
final class RecordValidator {
    private static final Pattern CONTAINER_ID = Pattern.compile("[0-9a-fA-F]{12,64}");
    private static final int MAX_TEXT = 1024;
    private static final int MAX_NODE = 255;

    private RecordValidator() {
    }

    static NewRecord validate(ObjectNode record, Clock clock) {
        for (String serverField : ContainerRecord.SERVER_FIELDS) {
            if (record.has(serverField)) {
                throw new InvalidRecordException("'" + serverField + "' is assigned by the server; leave it out.");
            }
        }
        String containerId = requiredText(record, "containerId");
        if (!CONTAINER_ID.matcher(containerId).matches()) {
            throw new InvalidRecordException("'containerId' must be 12 to 64 hexadecimal characters, not '"
                    + abbreviate(containerId) + "'.");
        }
        containerId = containerId.toLowerCase(Locale.ROOT);
        record.put("containerId", containerId);
        Instant observedAt = instant(record, "observedAt", requiredText(record, "observedAt"));
        Instant latest = clock.instant().plus(Timestamps.MAX_FUTURE);
        if (observedAt.isAfter(latest)) {
            throw new InvalidRecordException("'observedAt' is more than " + Timestamps.MAX_FUTURE.toHours()
                    + " hours ahead of the store's clock (" + clock.instant() + "); check the reporting node's clock.");
        }
        String node = optionalText(record, "node", MAX_NODE);
        String image = optionalText(record, "image", MAX_TEXT);
        String name = optionalText(record, "name", MAX_TEXT);
        if (name != null && name.startsWith("/")) {
            record.put("name", name.substring(1)); // as docker ps shows it, whichever path the record came by
        }
        for (String field : new String[] {"imageId", "state"}) {
            optionalText(record, field, MAX_TEXT);
        }
        String createdAt = optionalText(record, "createdAt", MAX_TEXT);
        if (createdAt != null) {
            instant(record, "createdAt", createdAt);
        }
        stringMap(record, "labels");
        stringMap(record, "networks");
        JsonNode cpu = present(record, "cpuPercent");
        if (cpu != null && (!cpu.isNumber() || cpu.asDouble() < 0 || !Double.isFinite(cpu.asDouble()))) {
            throw new InvalidRecordException("'cpuPercent' must be a number of 0 or more, not "
                    + RequestBodies.describe(cpu) + ".");
        }
        for (String field : new String[] {"memoryBytes", "memoryLimitBytes"}) {
            JsonNode value = present(record, field);
            if (value != null && (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0)) {
                throw new InvalidRecordException("'" + field + "' must be a whole number of bytes, 0 or more.");
            }
        }
        return new NewRecord(containerId, node, image, observedAt, record);
    }

    private static Instant instant(ObjectNode record, String field, String text) {
        try {
            return Timestamps.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidRecordException("'" + field + "' must be an ISO-8601 timestamp such as "
                    + "2026-11-22T10:15:30Z, not '" + abbreviate(text) + "'.");
        }
    }

    private static JsonNode present(ObjectNode record, String field) {
        JsonNode value = record.get(field);
        return value == null || value.isNull() ? null : value;
    }

    private static String requiredText(ObjectNode record, String field) {
        JsonNode value = present(record, field);
        if (value == null) {
            throw new InvalidRecordException("'" + field + "' is required.");
        }
        if (!value.isTextual()) {
            throw new InvalidRecordException("'" + field + "' must be a string, not " + RequestBodies.describe(value)
                    + ".");
        }
        return value.textValue();
    }

    private static String optionalText(ObjectNode record, String field, int maxLength) {
        JsonNode value = present(record, field);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidRecordException("'" + field + "' must be a string, not " + RequestBodies.describe(value)
                    + ".");
        }
        if (value.textValue().length() > maxLength) {
            throw new InvalidRecordException("'" + field + "' is longer than " + maxLength + " characters.");
        }
        return value.textValue();
    }

    private static void stringMap(ObjectNode record, String field) {
        JsonNode value = present(record, field);
        if (value == null) {
            return;
        }
        if (!value.isObject()) {
            throw new InvalidRecordException("'" + field + "' must be an object of strings, not "
                    + RequestBodies.describe(value) + ".");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isTextual()) {
                throw new InvalidRecordException("'" + field + "." + entry.getKey() + "' must be a string, not "
                        + RequestBodies.describe(entry.getValue()) + ".");
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
