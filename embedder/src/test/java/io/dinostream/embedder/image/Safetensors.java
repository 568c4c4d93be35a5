package io.dinostream.embedder.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A minimal safetensors reader for test fixtures: 8-byte little-endian header length, a JSON header
 * {@code {name: {dtype, shape, data_offsets}}}, then the raw little-endian data.
 */
final class Safetensors {
    record Tensor(String dtype, long[] shape, byte[] data) {
        byte[] u8() {
            if (!dtype.equals("U8")) {
                throw new IllegalStateException("expected U8, got " + dtype);
            }
            return data;
        }

        float[] f32() {
            if (!dtype.equals("F32")) {
                throw new IllegalStateException("expected F32, got " + dtype);
            }
            float[] out = new float[data.length / 4];
            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
    }

    private final Map<String, Tensor> tensors;

    private Safetensors(Map<String, Tensor> tensors) {
        this.tensors = tensors;
    }

    static Safetensors read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        long headerLength =
                ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength <= 0 || 8 + headerLength > all.length) {
            throw new IOException("bad safetensors header length " + headerLength + " in " + file);
        }
        String json = new String(all, 8, (int) headerLength, StandardCharsets.UTF_8);
        JsonNode header = new ObjectMapper().readTree(json);
        int dataStart = 8 + (int) headerLength;
        Map<String, Tensor> tensors = new java.util.LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode node = entry.getValue();
            List<Long> shape = new ArrayList<>();
            node.get("shape").forEach(n -> shape.add(n.asLong()));
            long begin = node.get("data_offsets").get(0).asLong();
            long end = node.get("data_offsets").get(1).asLong();
            if (begin < 0 || end < begin || dataStart + end > all.length) {
                throw new IOException("bad offsets for " + entry.getKey() + " in " + file);
            }
            byte[] data = java.util.Arrays.copyOfRange(all, dataStart + (int) begin, dataStart + (int) end);
            tensors.put(
                    entry.getKey(),
                    new Tensor(
                            node.get("dtype").asText(),
                            shape.stream().mapToLong(Long::longValue).toArray(),
                            data));
        }
        return new Safetensors(tensors);
    }

    Tensor get(String name) {
        Tensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("no tensor " + name + "; have " + tensors.keySet());
        }
        return tensor;
    }
}
