package io.dinostream.embedder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of the DINOv2 layers: a DJL {@link AbstractBlock} whose parameters have fixed shapes known from
 * the architecture, and whose parameters and children carry the official PyTorch names ({@code
 * norm1.weight}, {@code attn.qkv.bias} ...), so that a whole model maps one to one onto an official
 * {@code state_dict}.
 *
 * <p>Parameters are created without arrays; {@link DinoVisionTransformer#loadStateDict} attaches the
 * values (from a file or a seeded initialiser), after which {@code initialize} only marks them as
 * requiring gradients. The layers are ordinary DJL blocks: a {@code GradientCollector} trains them.
 */
public abstract class DinoLayer extends AbstractBlock {
    private final Map<String, Parameter> ownParameters = new LinkedHashMap<>();
    private final Map<String, Shape> ownShapes = new LinkedHashMap<>();
    private final Map<String, DinoLayer> namedChildren = new LinkedHashMap<>();

    /** Applies the layer to one tensor. */
    public abstract NDArray apply(ParameterStore ps, NDArray x, boolean training);

    /** Declares a parameter with its official name and shape. */
    protected final Parameter param(String name, Parameter.Type type, Shape shape) {
        Parameter p = addParameter(Parameter.builder()
                .setName(name)
                .setType(type)
                .optInitializer(Initializer.ZEROS)
                .build());
        ownParameters.put(name, p);
        ownShapes.put(name, shape);
        return p;
    }

    /** Registers a child layer under its official name. */
    protected final <L extends DinoLayer> L child(String name, L layer) {
        addChildBlock(name, layer);
        namedChildren.put(name, layer);
        return layer;
    }

    /** Adds this layer's parameters to {@code out} under {@code prefix + officialName}, in official order. */
    public void collectParameters(String prefix, Map<String, Parameter> out, Map<String, Shape> shapes) {
        for (Map.Entry<String, Parameter> e : ownParameters.entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
            shapes.put(prefix + e.getKey(), ownShapes.get(e.getKey()));
        }
        for (Map.Entry<String, DinoLayer> e : namedChildren.entrySet()) {
            e.getValue().collectParameters(prefix + e.getKey() + ".", out, shapes);
        }
    }

    /** The value of a parameter for this forward pass. */
    protected static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
        return ps.getValue(p, like.getDevice(), training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(parameterStore, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (DinoLayer child : namedChildren.values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }
}
