package io.dinostream.embedder.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an ONNX model (opset 17) node by node: float and int64 initializers, operator nodes with
 * attributes, float inputs and outputs of fixed shape. Names of intermediate values are generated.
 */
final class OnnxGraph {
    static final int OPSET = 17;
    private static final int IR_VERSION = 8;
    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    private static final int ATTRIBUTE_FLOAT = 1;
    private static final int ATTRIBUTE_INT = 2;
    private static final int ATTRIBUTE_INTS = 7;

    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private int counter;

    /** An attribute of a node. */
    record Attribute(String name, Object value) {
        static Attribute of(String name, long value) {
            return new Attribute(name, value);
        }

        static Attribute of(String name, float value) {
            return new Attribute(name, value);
        }

        static Attribute of(String name, long[] values) {
            return new Attribute(name, values);
        }
    }

    /** A float initializer, little-endian raw data. */
    String floats(String name, long[] dims, float[] data) {
        ByteBuffer raw = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(data);
        initializers.add(tensor(name, dims, FLOAT, raw.array()));
        return name;
    }

    /** A 1-D int64 initializer (shapes, indices, axes). */
    String longs(long... values) {
        String name = "const_" + counter++;
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        initializers.add(tensor(name, new long[] {values.length}, INT64, raw.array()));
        return name;
    }

    /** A 0-d int64 initializer (a Gather index that drops the axis). */
    String longScalar(long value) {
        String name = "const_" + counter++;
        ByteBuffer raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        raw.putLong(value);
        initializers.add(tensor(name, new long[0], INT64, raw.array()));
        return name;
    }

    /** A scalar float initializer. */
    String scalar(float value) {
        String name = "const_" + counter++;
        ByteBuffer raw = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        raw.putFloat(value);
        initializers.add(tensor(name, new long[0], FLOAT, raw.array()));
        return name;
    }

    /** Adds a node with one output and returns the output's name. */
    String op(String type, List<String> in, Attribute... attributes) {
        String output = type.toLowerCase(java.util.Locale.ROOT) + "_" + counter++;
        ProtoWriter node = new ProtoWriter();
        for (String i : in) {
            node.string(1, i);
        }
        node.string(2, output).string(3, output).string(4, type);
        for (Attribute a : attributes) {
            ProtoWriter attribute = new ProtoWriter().string(1, a.name());
            if (a.value() instanceof Float f) {
                attribute.float32(2, f).varint(20, ATTRIBUTE_FLOAT);
            } else if (a.value() instanceof Long l) {
                attribute.varint(3, l).varint(20, ATTRIBUTE_INT);
            } else {
                for (long v : (long[]) a.value()) {
                    attribute.varint(8, v);
                }
                attribute.varint(20, ATTRIBUTE_INTS);
            }
            node.message(5, attribute);
        }
        nodes.add(node);
        return output;
    }

    String op(String type, String... in) {
        return op(type, List.of(in));
    }

    void input(String name, long... dims) {
        inputs.add(valueInfo(name, dims));
    }

    /** Declares {@code value} a graph output under {@code name} (through an Identity node). */
    void output(String value, String name, long... dims) {
        ProtoWriter node = new ProtoWriter()
                .string(1, value)
                .string(2, name)
                .string(3, name)
                .string(4, "Identity");
        nodes.add(node);
        outputs.add(valueInfo(name, dims));
    }

    /** The serialised {@code ModelProto}. */
    byte[] toModel(String graphName) {
        ProtoWriter graph = new ProtoWriter();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, graphName);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(i -> graph.message(11, i));
        outputs.forEach(o -> graph.message(12, o));
        return new ProtoWriter()
                .varint(1, IR_VERSION)
                .string(2, "dinostream")
                .message(7, graph)
                .message(8, new ProtoWriter().string(1, "").varint(2, OPSET))
                .toByteArray();
    }

    private static ProtoWriter tensor(String name, long[] dims, int type, byte[] raw) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.varint(1, d);
        }
        return t.varint(2, type).string(8, name).bytes(9, raw);
    }

    /** A dimension given as {@value #DYNAMIC} is symbolic ({@code batch}), any size at run time. */
    static final long DYNAMIC = -1;

    private static ProtoWriter valueInfo(String name, long[] dims) {
        ProtoWriter shape = new ProtoWriter();
        for (long d : dims) {
            shape.message(1, d == DYNAMIC ? new ProtoWriter().string(2, "batch") : new ProtoWriter().varint(1, d));
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, FLOAT).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }
}
