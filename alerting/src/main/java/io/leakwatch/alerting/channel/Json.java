package io.leakwatch.alerting.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** The one ObjectMapper of the channels, and the reply parsing shared by the chat robots. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A non-zero {@code codeField} in a JSON reply, with its message; empty for success or a non-JSON reply. */
    static Optional<String> nonZeroCode(String body, String codeField, String messageField) {
        if (body == null || body.isBlank() || body.length() > 65_536) {
            return Optional.empty();
        }
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n != null && n.has(codeField) && n.get(codeField).asInt(0) != 0) {
                return Optional.of(codeField + " " + n.get(codeField).asText() + ": " + n.path(messageField).asText(""));
            }
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
