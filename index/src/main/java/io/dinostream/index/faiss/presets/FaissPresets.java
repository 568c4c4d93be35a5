package io.dinostream.index.faiss.presets;

import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;
import org.bytedeco.javacpp.tools.Info;
import org.bytedeco.javacpp.tools.InfoMap;
import org.bytedeco.javacpp.tools.InfoMapper;

/**
 * The JavaCPP preset of our FAISS binding: which Debian {@code libfaiss-dev} 1.7.3 headers are parsed
 * and how C++ types map to Java. The JavaCPP parser reads this class at build time ({@code parse} in
 * generate-sources) and writes the binding into {@code io.dinostream.index.faiss.binding}; the
 * {@code build} goal then compiles one JNI library with the static {@code libfaiss.a} linked in.
 *
 * <p>Headers parsed now: what the exact index and serialisation need. The later index issue adds, in
 * this dependency order (STACK.md verified all of them): {@code Clustering.h} after {@code IndexFlat.h},
 * then {@code invlists/InvertedLists.h}, {@code IndexIVF.h}, {@code IndexIVFFlat.h}, {@code
 * impl/Quantizer.h}, {@code impl/ProductQuantizer.h}, {@code IndexPQ.h}, {@code IndexIVFPQ.h}, {@code
 * impl/HNSW.h}, {@code IndexHNSW.h} before {@code IndexIDMap.h}, and {@code utils/distances.h} at the end;
 * they need more Info entries (skip unordered_map/set, priority_queue, omp_lock_t, DirectMap members).
 *
 * <p>Changing this class changes the generated sources: build the module from clean afterwards (the
 * parser never deletes stale generated files).
 */
@Properties(
        target = "io.dinostream.index.faiss.binding",
        global = "io.dinostream.index.faiss.binding.global.Faiss",
        value =
                @Platform(
                        compiler = "cpp11",
                        include = {
                            "faiss/MetricType.h",
                            "faiss/Index.h",
                            "faiss/impl/IDSelector.h",
                            "faiss/IndexFlatCodes.h",
                            "faiss/IndexFlat.h",
                            "faiss/IndexIDMap.h",
                            "faiss/index_factory.h",
                            "faiss/impl/io.h",
                            "faiss/index_io.h",
                            "dinostream_faiss_threads.h"
                        },
                        // JavaCPP emits link flags in reverse order and Debian links --as-needed:
                        // this order yields -lfaiss -lgomp -llapack -lblas (STACK.md).
                        link = {"blas", "lapack", "gomp", "faiss"},
                        library = "jnidinostreamfaiss"))
public class FaissPresets implements InfoMapper {
    @Override
    public void map(InfoMap infoMap) {
        infoMap.put(new Info("FAISS_API").cppTypes().annotations())
                // 1.7.3 declares idx_t inside Index (and re-declares it in several structs).
                // 1.7.3 has no faiss::idx_t at namespace level: emit casts to the underlying int64_t.
                .put(new Info("faiss::Index::idx_t", "faiss::idx_t", "idx_t")
                        .cast()
                        .cppTypes("int64_t")
                        .valueTypes("long")
                        .pointerTypes("LongPointer", "LongBuffer", "long[]"))
                .put(new Info("faiss::Index::component_t", "faiss::Index::distance_t", "component_t", "distance_t")
                        .cast()
                        .valueTypes("float")
                        .pointerTypes("FloatPointer", "FloatBuffer", "float[]"))
                // A Java class named Index would clash with JavaCPP's @Index annotation.
                .put(new Info("faiss::Index").pointerTypes("FaissIndex"))
                .put(new Info("faiss::IndexIDMapTemplate<faiss::Index>", "faiss::IndexIDMap")
                        .pointerTypes("IndexIDMap"))
                .put(new Info("faiss::IndexIDMap2Template<faiss::Index>", "faiss::IndexIDMap2")
                        .pointerTypes("IndexIDMap2"))
                .put(new Info(
                                "faiss::IndexIDMapTemplate<faiss::IndexBinary>",
                                "faiss::IndexIDMap2Template<faiss::IndexBinary>",
                                "faiss::IndexBinaryIDMap",
                                "faiss::IndexBinaryIDMap2",
                                "faiss::IndexBinary",
                                "faiss::write_index_binary",
                                "faiss::read_index_binary",
                                "faiss::index_binary_factory")
                        .skip())
                // The stdio overloads of write_index/read_index: Java uses file names or IOWriter/Reader.
                .put(new Info("FILE").cast().pointerTypes("Pointer"))
                .put(new Info("std::vector<float>").pointerTypes("FloatVector").define())
                .put(new Info("std::vector<double>")
                        .pointerTypes("DoubleVector")
                        .define())
                .put(new Info("std::vector<uint8_t>").pointerTypes("ByteVector").define())
                .put(new Info("std::vector<int64_t>", "std::vector<faiss::Index::idx_t>", "std::vector<idx_t>")
                        .pointerTypes("LongVector")
                        .define())
                // Abstract bases whose pure virtuals the parser cannot instantiate.
                // Members of types the binding does not map (hash containers, char buffers).
                .put(new Info(
                                "faiss::IndexIDMap2Template<faiss::Index>::rev_map",
                                "faiss::IndexIDMap2Template::rev_map",
                                "faiss::IDSelectorBatch::set",
                                "faiss::BufferedIOReader::buffer",
                                "faiss::BufferedIOWriter::buffer",
                                // returns a type declared in impl/DistanceComputer.h, which we do not parse
                                "faiss::IndexFlatCodes::get_FlatCodesDistanceComputer",
                                "faiss::IndexFlat::get_FlatCodesDistanceComputer")
                        .skip())
                .put(new Info("faiss::IndexFlatCodes").purify());
    }
}
