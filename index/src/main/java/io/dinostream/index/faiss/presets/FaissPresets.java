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
 * <p>Headers parsed: the exact index and serialisation (Index, IDSelector, IndexFlat, IndexIDMap,
 * index_factory, index_io), the trained indexes (Clustering, InvertedLists, IndexIVF, IndexIVFFlat,
 * ProductQuantizer, IndexPQ, IndexIVFPQ, HNSW, IndexHNSW) with their per-query search parameters, and
 * utils/distances, in the dependency order STACK.md verified. Members whose types come from headers we
 * do not parse (heaps, direct maps, scanners, statistics) are skipped.
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
                            "faiss/Clustering.h",
                            "faiss/invlists/InvertedLists.h",
                            "faiss/IndexIVF.h",
                            "faiss/IndexIVFFlat.h",
                            "faiss/impl/Quantizer.h",
                            "faiss/impl/ProductQuantizer.h",
                            "faiss/IndexPQ.h",
                            "faiss/IndexIVFPQ.h",
                            "faiss/impl/HNSW.h",
                            "faiss/IndexHNSW.h",
                            "faiss/IndexIDMap.h",
                            "faiss/index_factory.h",
                            "faiss/impl/io.h",
                            "faiss/index_io.h",
                            "faiss/utils/distances.h",
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
                // BLAS, declared in the native header for inner_product_top_k: not for Java.
                .put(new Info("sgemv_").skip())
                // Template helpers of reserve_for_add and move_to_huge_pages: not for Java.
                .put(new Info("dinostream::advise_huge_pages", "dinostream::copy_into_huge_pages").skip())
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
                .put(new Info("faiss::IndexFlatCodes", "faiss::ReadOnlyInvertedLists").purify())
                // Members and functions of types from headers we do not parse (STACK.md).
                .put(new Info(
                                "faiss::HNSW::MinimaxHeap",
                                "faiss::HNSW::NodeDistCloser",
                                "faiss::HNSW::NodeDistFarther",
                                "faiss::HNSW::search_from_candidates",
                                "faiss::HNSW::search_from_candidate_unbounded",
                                "faiss::HNSW::search_neighbors_to_add",
                                "faiss::HNSW::shrink_neighbor_list",
                                "faiss::HNSW::add_links_starting_from",
                                "faiss::HNSW::add_with_locks",
                                "faiss::HNSW::greedy_update_nearest",
                                "faiss::HNSW::search",
                                "faiss::HNSW::search_level_0",
                                "faiss::HNSW::range_search",
                                "faiss::HNSW::rng",
                                "faiss::IndexHNSW::search_level_0",
                                "faiss::IndexHNSW::init_level_0_from_knngraph",
                                "faiss::IndexHNSW::init_level_0_from_entry_points",
                                "faiss::IndexHNSW::get_distance_computer",
                                "faiss::IndexIVF::direct_map",
                                "faiss::IndexIVF::get_InvertedListScanner",
                                "faiss::IndexIVF::search_preassigned",
                                "faiss::IndexIVF::range_search_preassigned",
                                "faiss::IndexIVFFlat::get_InvertedListScanner",
                                "faiss::IndexIVFPQ::get_InvertedListScanner",
                                "faiss::IndexIVFPQ::precomputed_table",
                                "faiss::IndexPQ::get_distance_computer",
                                "faiss::IndexFlat::get_distance_computer",
                                "faiss::IndexFlatCodes::get_distance_computer",
                                "faiss::Index::get_distance_computer",
                                "faiss::InvertedListScanner",
                                "faiss::ProductQuantizer::compute_code_from_distance_table",
                                "faiss::ProductQuantizer::transposed_centroids",
                                "faiss::ProductQuantizer::centroids_sq_lengths",
                                "faiss::ArrayInvertedLists::codes",
                                "faiss::ArrayInvertedLists::ids",
                                "faiss::InvertedLists::IteratorStats",
                                "faiss::InvertedListsIterator",
                                "faiss::ClusteringIterationStats",
                                "faiss::Clustering::iteration_stats",
                                "omp_lock_t",
                                "faiss::IndexIVFStats",
                                "faiss::indexIVF_stats",
                                "faiss::IndexIVFPQStats",
                                "faiss::indexIVFPQ_stats",
                                "faiss::HNSWStats",
                                "faiss::hnsw_stats",
                                "faiss::IndexPQStats",
                                "faiss::indexPQ_stats",
                                "faiss::IndexIVFFlatDedup::instances",
                                "dinostream::hnsw_search_mutex",
                                "dinostream::with_params",
                                "faiss::IndexIVF::set_direct_map_type",
                                "faiss::IndexIVFPQ::polysemous_training",
                                "faiss::IndexPQ::polysemous_training",
                                "faiss::IndexPQ::get_FlatCodesDistanceComputer",
                                "faiss::IndexHNSWSQ",
                                "faiss::IndexHNSW2Level",
                                "faiss::float_minheap_array_t",
                                "faiss::float_maxheap_array_t",
                                "float_minheap_array_t",
                                "float_maxheap_array_t",
                                "faiss::AlignedTable<float>",
                                "AlignedTable<float>")
                        .skip());
    }
}
